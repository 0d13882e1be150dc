import { ALB, AlbIngress } from './alb-model';
import { Findings } from './findings';
import { Obj } from './identity';
import { Inventory } from './inventory';
import { annotationField, arr, at, listSome, rec, str } from './util';

/**
 * Template placeholders left in a manifest (`<FQDN>`, `<your-domain>`, `${HOST}`, `{{ .Values.host }}`): copied from
 * documentation or an unrendered template, they are never what was meant. In a name the API server rejects the
 * object; in a host the ALB rule or the Istio route matches no request.
 */
const PLACEHOLDER = /<[^<>\s]*[A-Za-z][^<>\s]*>|\$\{[^}]*\}|\{\{[^}]*\}\}/;

/** Host fields of the kinds whose hosts decide routing. */
function hostFields(o: Obj): [string, unknown][] {
  const spec = rec(o.raw.spec);
  const out: [string, unknown][] = [];
  if (o.kind === 'Ingress') {
    arr(spec.rules).forEach((r, i) => out.push([`spec.rules[${i}].host`, rec(r).host]));
    arr(spec.tls).forEach((t, i) => arr(rec(t).hosts).forEach((h, j) => out.push([`spec.tls[${i}].hosts[${j}]`, h])));
  } else if (o.group.endsWith('.istio.io') && (o.kind === 'VirtualService' || o.kind === 'ServiceEntry')) {
    arr(spec.hosts).forEach((h, i) => out.push([`spec.hosts[${i}]`, h]));
  } else if (o.group.endsWith('.istio.io') && o.kind === 'Gateway') {
    arr(spec.servers).forEach((s, i) =>
      arr(rec(s).hosts).forEach((h, j) => out.push([`spec.servers[${i}].hosts[${j}]`, h])),
    );
  } else if (o.group.endsWith('.istio.io') && o.kind === 'DestinationRule') {
    out.push(['spec.host', spec.host]);
  }
  return out;
}

export function checkUnfilledPlaceholders(inv: Inventory, f: Findings): void {
  for (const o of inv.objects) {
    const fields: [string, unknown][] = [
      ['metadata.name', o.name],
      ['metadata.namespace', at(o.raw, 'metadata.namespace')],
      ...hostFields(o),
    ];
    for (const [field, value] of fields) {
      const v = str(value);
      const m = v === undefined ? null : PLACEHOLDER.exec(v);
      if (!m) continue;
      const shown = v!.length > 100 ? `${v!.slice(0, 100)}...` : v!;
      f.add(
        'unfilled-placeholder',
        o,
        field,
        `${field} '${shown}' still holds the placeholder ${m[0]}: ${field.startsWith('metadata') ? 'the API server rejects the name' : 'no request matches this host'}`,
        `replace ${m[0]} with the real value (render the template, or fill in the documentation's example)`,
      );
    }
  }
}

/**
 * Placeholders left in the manifests (a warning: they are valid syntax, but the ALB cannot work with them). An ACM
 * certificate ARN of AWS's documentation account or with an all-zero id names no certificate, so the controller
 * cannot create the HTTPS listener; a host under a name reserved for documentation and tests (RFC 2606, RFC 6761)
 * can have neither a public DNS record nor a public certificate.
 */

/** AWS's documentation account, and the all-zero one. */
const PLACEHOLDER_ACCOUNTS = new Set(['123456789012', '000000000000']);
const ZERO_ID = /^0{8}-0{4}-[0-9a-f]0{3}-[0-9a-f]0{3}-0{12}$/i;
/** example.com/.net/.org and the reserved top-level domains. */
const RESERVED_HOST = /(^|\.)(example\.(com|net|org)|example|invalid|test|localhost)$/i;
const EXTERNAL_DNS = 'external-dns.alpha.kubernetes.io/hostname';

/** Why an ACM ARN is a placeholder, or undefined. */
export function placeholderArnReason(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:acm:[^:]*:(\d{12}):certificate\/(.+)$/.exec(arn.trim());
  if (!m) return undefined;
  if (PLACEHOLDER_ACCOUNTS.has(m[1])) return `account ${m[1]} is a documentation placeholder`;
  if (ZERO_ID.test(m[2])) return 'its certificate id is all zeros';
  return undefined;
}

export const isPlaceholderHost = (host: string) => RESERVED_HOST.test(host.replace(/\.$/, ''));

export function checkPlaceholderValues(albs: readonly AlbIngress[], f: Findings): void {
  for (const alb of albs) {
    const ing = alb.obj;
    const arns = alb.certificateArns.map((arn) => [arn, placeholderArnReason(arn)] as const).filter(([, why]) => why);
    if (arns.length) {
      const [arn, why] = arns[0];
      const more = arns.length > 1 ? ` and ${arns.length - 1} more` : '';
      f.add(
        'placeholder-value',
        ing,
        annotationField(`${ALB}certificate-arn`),
        `certificate-arn ${arn} (${why})${more} names no certificate of yours: the controller cannot create the HTTPS listener`,
        'set certificateArn (the certificate-arn annotation) to the ARN of your ACM certificate for the host',
      );
    }
    const hosts: [string, string][] = arr(at(ing.raw.spec, 'rules')).map((r, i) => [
      str(rec(r).host) ?? '',
      `spec.rules[${i}].host`,
    ]);
    const dns = str(rec(ing.raw.metadata?.annotations)[EXTERNAL_DNS]);
    if (dns) for (const h of dns.split(',')) hosts.push([h.trim(), annotationField(EXTERNAL_DNS)]);
    const reserved = hosts.filter(([h]) => h && isPlaceholderHost(h));
    if (reserved.length) {
      f.add(
        'placeholder-value',
        ing,
        reserved[0][1],
        `host ${listSome([...new Set(reserved.map(([h]) => h))])} is a name reserved for examples (RFC 2606): it can have no public DNS record and no public certificate`,
        'set host to the public name the ALB serves',
      );
    }
  }
}
