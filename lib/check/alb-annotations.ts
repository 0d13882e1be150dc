/**
 * Formats of the ALB annotations the controller must parse before it builds the load balancer and its target groups:
 * WAF ACL, load-balancer and target-group attributes, tags, inbound CIDRs.
 */
import * as net from 'net';
import {
  ALB,
  DEREGISTRATION_DELAY,
  DROP_INVALID_HEADERS,
  MAX_DEREGISTRATION_DELAY,
  parseDeregistrationDelay,
  parseStringMap,
} from './alb-model';
import { Findings } from './findings';
import { Obj } from './identity';
import { annotationField, arr, at, str } from './util';

/** An ALB can only use regional web ACLs; `global/webacl` ones belong to CloudFront. */
const WAFV2_ARN =
  /^arn:aws(?:-cn|-us-gov)?:wafv2:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:(regional|global)\/webacl\/[\w-]{1,128}\/[\w-]+$/;

function checkWafv2Arn(target: Obj, field: string, arn: string, f: Findings): void {
  const value = arn.trim();
  if (value === 'none') return;
  const m = WAFV2_ARN.exec(value);
  if (m?.[1] === 'regional') return;
  f.add(
    'wafv2-acl-arn-format',
    target,
    field,
    m
      ? `'${value}' is a global (CloudFront) web ACL; an ALB can only use a regional one`
      : `'${value}' is not a WAFv2 web ACL ARN`,
    "use arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id> of the ALB's region, or none to detach the ACL",
  );
}

/** Load-balancer-level annotations the controller must parse before it builds the ALB. */
export function checkLoadBalancerAnnotations(
  ing: Obj,
  ann: Record<string, string>,
  params: Obj | undefined,
  f: Findings,
): void {
  const waf = ann[`${ALB}wafv2-acl-arn`];
  if (waf !== undefined) checkWafv2Arn(ing, annotationField(`${ALB}wafv2-acl-arn`), waf, f);
  const paramsWaf = str(at(params?.raw.spec, 'wafv2AclArn'));
  if (params && paramsWaf !== undefined) checkWafv2Arn(params, 'spec.wafv2AclArn', paramsWaf, f);
  const attrs = ann[`${ALB}load-balancer-attributes`];
  if (attrs !== undefined && !parseStringMap(attrs)) {
    f.add(
      'load-balancer-attributes-format',
      ing,
      annotationField(`${ALB}load-balancer-attributes`),
      `load-balancer-attributes '${attrs}' is not a list of key=value pairs separated by commas`,
      `write it as ${ALB}load-balancer-attributes: ${DROP_INVALID_HEADERS}=true,deletion_protection.enabled=true`,
    );
  }
  checkAlbAnnotations(ing, annotationField, ann, f);
  // IngressClassParams settings take precedence over the Ingress annotations.
  const ipAddressType = str(at(params?.raw.spec, 'ipAddressType')) ?? ann[`${ALB}ip-address-type`] ?? 'ipv4';
  const cidrs = ann[`${ALB}inbound-cidrs`];
  if (cidrs !== undefined)
    checkInboundCidrs(ing, annotationField(`${ALB}inbound-cidrs`), cidrs.split(','), ipAddressType, f);
  const paramsCidrs = arr(at(params?.raw.spec, 'inboundCIDRs'));
  if (params && paramsCidrs.length)
    checkInboundCidrs(
      params,
      'spec.inboundCIDRs',
      paramsCidrs.map((c) => String(c)),
      ipAddressType,
      f,
    );
}

/**
 * target-group-attributes and tags, wherever the controller reads them for a target group: the Ingress, and the
 * backend Service (or the installer values that render it), whose annotations override the Ingress (A7).
 */
export function checkAlbAnnotations(
  target: Obj,
  fieldOf: (key: string) => string,
  ann: Record<string, string>,
  f: Findings,
): void {
  const tga = ann[`${ALB}target-group-attributes`];
  if (tga !== undefined) checkTargetGroupAttributes(target, fieldOf(`${ALB}target-group-attributes`), tga, f);
  const tags = ann[`${ALB}tags`];
  if (tags !== undefined) checkTags(target, fieldOf(`${ALB}tags`), tags, f);
}

function checkTargetGroupAttributes(target: Obj, field: string, raw: string, f: Findings): void {
  const attrs = parseStringMap(raw);
  if (!attrs) {
    f.add(
      'target-group-attributes-format',
      target,
      field,
      `target-group-attributes '${raw}' is not a list of key=value pairs separated by commas`,
      `write it as ${ALB}target-group-attributes: ${DEREGISTRATION_DELAY}=30`,
    );
    return;
  }
  const delay = attrs[DEREGISTRATION_DELAY];
  if (delay !== undefined && parseDeregistrationDelay(delay) === undefined) {
    f.add(
      'deregistration-delay-range',
      target,
      field,
      `${DEREGISTRATION_DELAY} '${delay}' is not a whole number of seconds from 0 to ${MAX_DEREGISTRATION_DELAY}: AWS rejects the target group`,
      `set ${DEREGISTRATION_DELAY} to a number of seconds from 0 to ${MAX_DEREGISTRATION_DELAY} (e.g. 30)`,
    );
  }
}

/** AWS tag limits: keys of 1-128 characters outside the reserved `aws:` prefix, values of at most 256 (empty allowed). */
function checkTags(target: Obj, field: string, raw: string, f: Findings): void {
  const fix = `write it as ${ALB}tags: team=platform,environment=prod (keys up to 128 characters, not starting with aws:; values up to 256)`;
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const i = entry.indexOf('=');
    const key = i < 0 ? '' : entry.slice(0, i).trim();
    const value = i < 0 ? '' : entry.slice(i + 1).trim();
    const problem =
      i < 0 || !key
        ? 'is not key=value'
        : /^aws:/i.test(key)
          ? 'uses the reserved aws: prefix'
          : key.length > 128
            ? 'has a key longer than 128 characters'
            : value.length > 256
              ? 'has a value longer than 256 characters'
              : undefined;
    if (problem) {
      f.add(
        'tags-format',
        target,
        field,
        `tag '${entry}' ${problem}: the controller cannot tag the ALB and its target groups`,
        fix,
      );
      return;
    }
  }
}

/** A CIDR as the controller parses it (Go's net.ParseCIDR): an IPv4 or IPv6 address without zone, and a prefix length. */
export function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const address = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  const family = net.isIP(address);
  if (!family || address.includes('%') || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function checkInboundCidrs(target: Obj, field: string, cidrs: string[], ipAddressType: string, f: Findings): void {
  const listed = cidrs.map((c) => c.trim()).filter((c) => c);
  const bad = listed.filter((c) => !isCidr(c));
  if (bad.length) {
    f.add(
      'inbound-cidrs-format',
      target,
      field,
      `${bad.map((c) => `'${c}'`).join(', ')} ${bad.length > 1 ? 'are not CIDRs' : 'is not a CIDR'}: the controller rejects the Ingress`,
      'list IPv4 or IPv6 CIDRs separated by commas, e.g. 203.0.113.0/24,2001:db8::/32',
    );
    return;
  }
  // The controller refuses IPv6 source ranges for an IPv4-only ALB ("unsupported v6 cidr ... when lb is not dualstack").
  const v6 = listed.filter((c) => c.includes(':'));
  if (v6.length && !ipAddressType.startsWith('dualstack')) {
    f.add(
      'inbound-cidrs-format',
      target,
      field,
      `${v6.map((c) => `'${c}'`).join(', ')} ${v6.length > 1 ? 'are IPv6 CIDRs' : 'is an IPv6 CIDR'}, but the ALB's ip-address-type is ${ipAddressType}: the controller rejects the Ingress`,
      `set ${ALB}ip-address-type: dualstack, or list only IPv4 CIDRs`,
    );
  }
}
