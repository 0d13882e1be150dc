/**
 * IngressGroups: the Ingresses that share one ALB. Name and order syntax, one value per Exclusive annotation across the
 * group, and the ALB-wide drop of invalid header fields.
 */
import { ALB, classParams, DROP_INVALID_HEADERS, groupName, parseStringMap } from './alb-model';
import { Findings } from './findings';
import { Obj } from './identity';
import { Inventory } from './inventory';
import { annotationField, append, arr, at, rec, str, strMap } from './util';
import { ALB_GROUP_NAME } from '../patterns';

/**
 * Annotations whose MergeBehavior is Exclusive (LBC-ann): one value per IngressGroup. Each maps to the
 * IngressClassParams field that replaces the annotation for the Ingresses of that class, when there is one.
 * load-balancer-attributes is Exclusive per attribute key and handled on its own.
 */
const EXCLUSIVE_ANNOTATIONS: Record<string, string | undefined> = {
  'load-balancer-name': undefined,
  'ip-address-type': 'ipAddressType',
  scheme: 'scheme',
  subnets: 'subnets',
  'security-groups': undefined,
  'customer-owned-ipv4-pool': undefined,
  'wafv2-acl-arn': 'wafv2AclArn',
  'waf-acl-id': undefined,
  'shield-advanced-protection': undefined,
  'ssl-redirect': 'sslRedirectPort',
  'inbound-cidrs': 'inboundCIDRs',
  'ssl-policy': 'sslPolicy',
};

const LIST_ANNOTATIONS = new Set(['subnets', 'security-groups', 'inbound-cidrs']);

/** IngressGroups: name and order syntax, and one value per Exclusive annotation across the group's Ingresses. */
export function checkIngressGroups(inv: Inventory, ingresses: Obj[], f: Findings): void {
  const groups = new Map<string, { ing: Obj; params?: Obj }[]>();
  for (const ing of ingresses) {
    const ann = strMap(ing.raw.metadata?.annotations);
    const params = classParams(inv, ing);
    const pinned = str(at(params?.raw.spec, 'group.name'));
    const rawName = ann[`${ALB}group.name`];
    if (!pinned && rawName !== undefined) {
      if (!ALB_GROUP_NAME.pattern.test(rawName)) {
        f.add(
          'group-name-format',
          ing,
          annotationField(`${ALB}group.name`),
          `group.name '${rawName}' is not a valid group name (at most 63 of a-z, 0-9, '-', '.', alphanumeric at both ends): the controller rejects the Ingress`,
          "rename the group with at most 63 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
        );
      } else {
        f.add(
          'group-membership-unpinned',
          ing,
          annotationField(`${ALB}group.name`),
          `joins IngressGroup '${rawName}' by annotation: anyone allowed to edit Ingresses can join it and add rules to this ALB`,
          'pin the group in the IngressClassParams (spec.group.name, with spec.namespaceSelector) instead of the annotation',
        );
      }
    }
    const rawOrder = ann[`${ALB}group.order`];
    if (rawOrder !== undefined && (!/^[+-]?\d+$/.test(rawOrder.trim()) || Math.abs(Number(rawOrder)) > 1000)) {
      f.add(
        'group-order-range',
        ing,
        annotationField(`${ALB}group.order`),
        `group.order '${rawOrder}' is not an integer from -1000 to 1000`,
        `set ${ALB}group.order to an integer from -1000 to 1000 (lower is evaluated first)`,
      );
    }
    const name = pinned ?? rawName;
    if (name) append(groups, name, { ing, params });
  }
  for (const [name, members] of groups) {
    if (members.length < 2) continue;
    const conflict = (annotation: string, what: string, set: { ing: Obj; value: string }[]) => {
      const byValue = new Map<string, Obj[]>();
      for (const m of set) append(byValue, m.value, m.ing);
      if (byValue.size < 2) return;
      // Each finding names at most a few of the other values, so a large group costs linear time, not quadratic.
      const sample = [...byValue]
        .slice(0, 3)
        .map(([value, ings]) => `'${value}' on ${ings[0].ref}${ings.length > 1 ? ` (+${ings.length - 1} more)` : ''}`);
      const shown = [...byValue.keys()].slice(0, 3);
      for (const m of set) {
        const others =
          sample.filter((_, i) => shown[i] !== m.value).join(', ') +
          (byValue.size > 3 ? `, +${byValue.size - 3} more values` : '');
        f.add(
          'group-exclusive-conflict',
          m.ing,
          annotationField(`${ALB}${annotation}`),
          `${what} is '${m.value}' here but ${others} in IngressGroup '${name}': the controller stops reconciling the whole group`,
          `set the same ${what} on every Ingress of the group, or on one Ingress only`,
        );
      }
    };
    for (const [key, paramsField] of Object.entries(EXCLUSIVE_ANNOTATIONS)) {
      const set: { ing: Obj; value: string }[] = [];
      for (const { ing, params } of members) {
        // An IngressClassParams value replaces the annotation for every Ingress of that class.
        const fromParams = paramsField ? at(params?.raw.spec, paramsField) : undefined;
        const value = exclusiveValue(key, fromParams ?? strMap(ing.raw.metadata?.annotations)[`${ALB}${key}`]);
        if (value !== undefined) set.push({ ing, value });
      }
      conflict(key, key, set);
    }
    // load-balancer-attributes merge per key; a key the IngressClassParams set resolves the conflict.
    const byKey = new Map<string, { ing: Obj; value: string }[]>();
    for (const { ing, params } of members) {
      const attrs = parseStringMap(strMap(ing.raw.metadata?.annotations)[`${ALB}load-balancer-attributes`] ?? '') ?? {};
      const pinnedKeys = new Set(arr(at(params?.raw.spec, 'loadBalancerAttributes')).map((a) => str(rec(a).key)));
      for (const [k, v] of Object.entries(attrs)) if (!pinnedKeys.has(k)) append(byKey, k, { ing, value: v });
    }
    for (const [k, set] of byKey) conflict('load-balancer-attributes', `load-balancer-attributes key ${k}`, set);
  }
}

/** An Exclusive annotation's value as the controller compares it: lists split and trimmed, subnets in any order. */
function exclusiveValue(key: string, raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const list = Array.isArray(raw) && raw.every((x) => typeof x === 'string');
  if (typeof raw !== 'string' && !list) return JSON.stringify(raw);
  if (typeof raw === 'string' && !LIST_ANNOTATIONS.has(key)) return raw.trim();
  const items = (list ? (raw as string[]) : (raw as string).split(',')).map((x) => x.trim()).filter(Boolean);
  return (key === 'subnets' ? [...items].sort() : items).join(',');
}

/**
 * Security Hub control ELB.4: an ALB should drop header fields that are not valid HTTP (request smuggling and
 * desync hardening). A warning, not an error: the ALB works without it, but it fails a standard security control
 * and the fix is one attribute, so `--strict` pipelines should hold it back the way they do a weak ssl-policy.
 * The attribute belongs to the ALB, so the Ingresses of one IngressGroup share it; an IngressClassParams key wins.
 */
export function checkInvalidHeaderFields(inv: Inventory, ingresses: Obj[], f: Findings): void {
  const albs = new Map<string, Obj[]>();
  for (const ing of ingresses) {
    const group = groupName(inv, ing);
    const key = group ? `group ${group}` : ing.ref;
    append(albs, key, ing);
  }
  for (const [key, members] of albs) {
    const group = key.startsWith('group ') ? ` (the ALB of IngressGroup '${key.slice(6)}')` : '';
    const fix = `add ${DROP_INVALID_HEADERS}=true to ${ALB}load-balancer-attributes${group ? ' of one Ingress of the group' : ''}`;
    // The IngressClassParams attribute, when one of the ALB's classes sets it: read once.
    let params: Obj | undefined;
    let value: unknown;
    for (const ing of members) {
      const p = classParams(inv, ing);
      const attribute = arr(at(p?.raw.spec, 'loadBalancerAttributes'))
        .map(rec)
        .find((a) => str(a.key) === DROP_INVALID_HEADERS);
      if (p && attribute) {
        [params, value] = [p, attribute.value];
        break;
      }
    }
    if (params) {
      if (value !== 'true') {
        f.add(
          'drop-invalid-headers',
          params,
          'spec.loadBalancerAttributes',
          `${DROP_INVALID_HEADERS} is '${String(value)}'${group}: the ALB forwards requests with invalid header fields (Security Hub ELB.4)`,
          `set {key: ${DROP_INVALID_HEADERS}, value: 'true'} in spec.loadBalancerAttributes`,
        );
      }
      continue;
    }
    const raw = members.map((ing) => strMap(ing.raw.metadata?.annotations)[`${ALB}load-balancer-attributes`]);
    const parsed = raw.map((r) => (r === undefined ? {} : parseStringMap(r)));
    // An unreadable annotation or a group conflict is reported by its own rule.
    if (parsed.some((p) => !p)) continue;
    const values = new Set(parsed.map((p) => p![DROP_INVALID_HEADERS]).filter((v): v is string => v !== undefined));
    if (values.size > 1 || values.has('true')) continue;
    const set = values.size ? `is '${[...values][0]}'` : 'is not set (AWS default false)';
    // An explicit value is fixed where it is written; otherwise on each Ingress of the ALB.
    const where = values.size ? members.filter((_, i) => parsed[i]![DROP_INVALID_HEADERS] !== undefined) : members;
    for (const ing of where) {
      f.add(
        'drop-invalid-headers',
        ing,
        annotationField(`${ALB}load-balancer-attributes`),
        `${DROP_INVALID_HEADERS} ${set}${group}: the ALB forwards requests with invalid header fields to the gateway (Security Hub ELB.4)`,
        fix,
      );
    }
  }
}
