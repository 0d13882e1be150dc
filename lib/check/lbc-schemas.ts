/**
 * JSON schemas for the AWS Load Balancer Controller kinds (elbv2.k8s.aws/v1beta1), written from the controller's CRDs,
 * because no npm package ships validators for them. Closed (additionalProperties: false) wherever the CRD is structural.
 */

type Schema = Record<string, unknown>;

const string: Schema = { type: 'string' };
const strings: Schema = { type: 'array', items: string };
const int32: Schema = { type: 'integer', minimum: -2147483648, maximum: 2147483647 };
const intOrString: Schema = { anyOf: [{ type: 'integer' }, { type: 'string' }] };
const stringMap: Schema = { type: 'object', additionalProperties: string };

function closed(properties: Record<string, Schema>, required: string[] = []): Schema {
  return { type: 'object', properties, additionalProperties: false, ...(required.length ? { required } : {}) };
}

const keyValue = closed({ key: string, value: string }, ['key', 'value']);
const labelSelector = closed({
  matchLabels: stringMap,
  matchExpressions: { type: 'array', items: closed({ key: string, operator: string, values: strings }, ['key', 'operator']) },
});

const objectMeta = closed({
  name: string, generateName: string, namespace: string, labels: stringMap, annotations: stringMap, uid: string,
  resourceVersion: string, generation: { type: 'integer' }, creationTimestamp: { type: ['string', 'null'] },
  deletionTimestamp: string, deletionGracePeriodSeconds: { type: 'integer' }, finalizers: strings,
  ownerReferences: { type: 'array', items: { type: 'object' } }, managedFields: { type: 'array', items: { type: 'object' } }, selfLink: string,
});

function kind(apiVersion: string, kindName: string, spec: Schema): Schema {
  return closed({ apiVersion: { const: apiVersion }, kind: { const: kindName }, metadata: objectMeta, spec, status: { type: 'object' } }, ['apiVersion', 'kind']);
}

const ingressClassParamsSpec = closed({
  certificateArn: strings,
  group: closed({ name: string }, ['name']),
  inboundCIDRs: strings,
  ipAddressType: { enum: ['ipv4', 'dualstack', 'dualstack-without-public-ipv4'] },
  ipamConfiguration: closed({ ipv4IPAMPoolId: string }),
  listeners: { type: 'array', items: closed({ listenerAttributes: { type: 'array', items: keyValue }, port: int32, protocol: string }) },
  loadBalancerAttributes: { type: 'array', items: keyValue },
  loadBalancerName: string,
  minimumLoadBalancerCapacity: closed({ capacityUnits: int32 }, ['capacityUnits']),
  namespaceSelector: labelSelector,
  prefixListsIDs: strings,
  PrefixListsIDs: strings,
  scheme: { enum: ['internal', 'internet-facing'] },
  sslPolicy: string,
  sslRedirectPort: string,
  subnets: closed({ ids: { type: 'array', items: { type: 'string', pattern: '^subnet-[0-9a-f]+$' } }, tags: { type: 'object', additionalProperties: strings } }),
  tags: { type: 'array', items: keyValue },
  targetType: { enum: ['instance', 'ip'] },
  wafv2AclArn: string,
  wafv2AclName: string,
});

const networkingPeer = closed({ ipBlock: closed({ cidr: string }, ['cidr']), securityGroup: closed({ groupID: string }, ['groupID']) });

const targetGroupBindingSpec = closed({
  assumeRoleExternalId: string,
  iamRoleArnToAssume: string,
  ipAddressType: { enum: ['ipv4', 'ipv6'] },
  multiClusterTargetGroup: { type: 'boolean' },
  networking: closed({
    ingress: { type: 'array', items: closed({
      from: { type: 'array', items: networkingPeer },
      ports: { type: 'array', items: closed({ port: intOrString, protocol: { enum: ['TCP', 'UDP'] } }) },
    }, ['from', 'ports']) },
  }),
  nodeSelector: labelSelector,
  serviceRef: closed({ name: string, port: intOrString }, ['name', 'port']),
  targetGroupARN: string,
  targetGroupName: string,
  targetGroupProtocol: { enum: ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP', 'QUIC', 'TCP_QUIC'] },
  targetType: { enum: ['instance', 'ip'] },
  vpcID: string,
}, ['serviceRef']);

/** Schemas keyed by `apiVersion kind`. */
export const LBC_SCHEMAS: Record<string, Schema> = {
  'elbv2.k8s.aws/v1beta1 IngressClassParams': kind('elbv2.k8s.aws/v1beta1', 'IngressClassParams', ingressClassParamsSpec),
  'elbv2.k8s.aws/v1beta1 TargetGroupBinding': kind('elbv2.k8s.aws/v1beta1', 'TargetGroupBinding', targetGroupBindingSpec),
};
