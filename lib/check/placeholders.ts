import { Findings } from './findings';
import { Inventory, Obj } from './inventory';
import { arr, at, rec, str } from './util';

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
    arr(spec.servers).forEach((s, i) => arr(rec(s).hosts).forEach((h, j) => out.push([`spec.servers[${i}].hosts[${j}]`, h])));
  } else if (o.group.endsWith('.istio.io') && o.kind === 'DestinationRule') {
    out.push(['spec.host', spec.host]);
  }
  return out;
}

export function checkPlaceholders(inv: Inventory, f: Findings): void {
  for (const o of inv.objects) {
    const fields: [string, unknown][] = [['metadata.name', o.name], ['metadata.namespace', at(o.raw, 'metadata.namespace')], ...hostFields(o)];
    for (const [field, value] of fields) {
      const v = str(value);
      const m = v === undefined ? null : PLACEHOLDER.exec(v);
      if (!m) continue;
      const shown = v!.length > 100 ? `${v!.slice(0, 100)}...` : v!;
      f.add('unfilled-placeholder', o, field, `${field} '${shown}' still holds the placeholder ${m[0]}: ${field.startsWith('metadata') ? 'the API server rejects the name' : 'no request matches this host'}`,
        `replace ${m[0]} with the real value (render the template, or fill in the documentation's example)`);
    }
  }
}
