/** istioctl's VirtualService analyzers: mesh hosts defined twice, rules and matches that never apply, subsets the gateway ignores. */
import { Findings } from './findings';
import { Obj } from './identity';
import { Inventory } from './inventory';
import { resolveHost } from './mesh-model';
import { append, arr, at, isRec, listSome, rec, str, unique } from './util';

/** A VirtualService host as Istio resolves it: short names in the VirtualService's namespace. */
function fqdn(inv: Inventory, ns: string, host: string): string {
  if (host.includes('*')) return host;
  const key = resolveHost(inv, ns, host);
  return 'external' in key ? host.toLowerCase() : `${key.name}.${key.namespace}.svc.cluster.local`;
}

/** IST0109: several VirtualServices of the mesh gateway define the same host (only one is applied). */
export function checkMeshHostConflicts(inv: Inventory, f: Findings): void {
  const byHost = new Map<string, { vs: Obj; field: string }[]>();
  for (const vs of inv.istio('VirtualService')) {
    const gws = arr(at(vs.raw.spec, 'gateways'));
    if (gws.length && !gws.includes('mesh')) continue;
    const exportTo = arr(at(vs.raw.spec, 'exportTo')).map(str);
    // A VirtualService exported only to its own namespace conflicts only with its namespace.
    const scope = exportTo.length && exportTo.every((e) => e === '.') ? vs.namespace : '*';
    arr(at(vs.raw.spec, 'hosts')).forEach((h, i) => {
      if (typeof h === 'string' && h !== '*')
        append(byHost, `${scope}\u0000${fqdn(inv, vs.namespace, h)}`, { vs, field: `spec.hosts[${i}]` });
    });
  }
  for (const [key, entries] of byHost) {
    const vss = unique(entries.map((e) => e.vs));
    if (vss.length < 2) continue;
    const names = listSome(vss.map((v) => v.ref));
    for (const e of entries) {
      f.add(
        'vs-mesh-host-conflict',
        e.vs,
        e.field,
        `host ${key.split('\u0000')[1]} is defined for the mesh by ${names}: sidecars apply only one of them`,
        'merge the routes into one VirtualService per host',
      );
    }
  }
}

/** Canonical text of a match, for spotting repeats (key order does not matter; `name` is only a label). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isRec(v))
    return `{${Object.keys(v)
      .filter((k) => k !== 'name')
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** IST0130, IST0131: rules after a catch-all rule, rules whose matches all repeat earlier ones, and single repeated matches. */
export function checkVirtualServiceMatches(inv: Inventory, f: Findings): void {
  for (const vs of inv.istio('VirtualService')) {
    for (const kind of ['http', 'tcp', 'tls']) {
      const rules = arr(rec(vs.raw.spec)[kind]);
      const seen = new Map<string, number>();
      let catchAll: number | undefined;
      rules.forEach((r, i) => {
        const field = `spec.${kind}[${i}]`;
        if (catchAll !== undefined) {
          f.add(
            'vs-unreachable-rule',
            vs,
            field,
            `${kind} rule ${i} is never used: rule ${catchAll} has no match and takes every request (only the last rule can have no matches)`,
            'put the catch-all rule last, or merge the rules (e.g. fault and mirror belong in one rule)',
          );
          return;
        }
        const matches = arr(rec(r).match);
        if (!matches.length) {
          catchAll = i;
          return;
        }
        const keys = matches.map(canonical);
        const repeated = keys.map((k) => seen.get(k));
        if (repeated.every((d) => d !== undefined)) {
          f.add(
            'vs-unreachable-rule',
            vs,
            `${field}.match`,
            `${kind} rule ${i} is never used: rule ${unique(repeated).join(', ')} already has every one of its matches`,
            'remove the rule, or make its match more specific and move it before the broader rule',
          );
        } else {
          repeated.forEach((d, j) => {
            if (d !== undefined) {
              f.add(
                'vs-ineffective-match',
                vs,
                `${field}.match[${j}]`,
                `match ${j} of ${kind} rule ${i} repeats a match of rule ${d}, so it never applies here`,
                'remove the repeated match',
              );
            }
          });
        }
        keys.forEach((k) => {
          if (!seen.has(k)) seen.set(k, i);
        });
      });
    }
  }
}

/** IST0140: a gateway route to a host without a subset, while another VirtualService routes that host by subsets. */
export function checkIngressSubsets(inv: Inventory, f: Findings): void {
  const subsetRoutes = new Map<string, Set<Obj>>();
  for (const vs of inv.istio('VirtualService')) {
    for (const route of arr(at(vs.raw.spec, 'http'))) {
      for (const dest of arr(rec(route).route)) {
        const host = str(at(dest, 'destination.host'));
        if (host && str(at(dest, 'destination.subset')))
          subsetRoutes.set(host, (subsetRoutes.get(host) ?? new Set()).add(vs));
      }
    }
  }
  if (!subsetRoutes.size) return;
  for (const vs of inv.istio('VirtualService')) {
    if (!arr(at(vs.raw.spec, 'gateways')).length) continue;
    arr(at(vs.raw.spec, 'http')).forEach((route, i) => {
      arr(rec(route).route).forEach((dest, j) => {
        const host = str(at(dest, 'destination.host'));
        if (!host || str(at(dest, 'destination.subset'))) return;
        // The first few others are enough to name (not every VirtualService of a much-routed host).
        const others: Obj[] = [];
        for (const o of subsetRoutes.get(host) ?? []) if (o !== vs && others.push(o) >= 4) break;
        if (!others.length) return;
        f.add(
          'vs-ingress-subset-ignored',
          vs,
          `spec.http[${i}].route[${j}].destination`,
          `the subset routing of ${others
            .slice(0, 3)
            .map((o) => o.ref)
            .join(
              ', ',
            )}${others.length > 3 ? ' and more' : ''} for ${host} has no effect on requests through the gateway: ${vs.ref} sends them to every version`,
          `add the subset to this destination, or add the gateway to the gateways of ${others[0].ref}`,
        );
      });
    });
  }
}
