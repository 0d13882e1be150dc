/** VirtualServices: the Gateways they bind to, their exportTo, and the Services and ports they route to. */
import { Findings } from './findings';
import { Obj } from './identity';
import { Inventory } from './inventory';
import { gatewayByRef, gatewayRefKey, resolveHost, serviceEntryFor, workloadsOfGateway } from './mesh-model';
import { append, arr, at, rec, str, unique } from './util';

export function checkVirtualServices(inv: Inventory, f: Findings): void {
  const gateways = inv.istio('Gateway');
  const byName = new Map<string, Obj[]>();
  for (const g of gateways) append(byName, g.name, g);
  for (const vs of inv.istio('VirtualService')) {
    const spec = rec(vs.raw.spec);
    const refs = arr(spec.gateways)
      .map(str)
      .filter((g): g is string => !!g && g !== 'mesh');
    refs.forEach((ref) => {
      const index = arr(spec.gateways).indexOf(ref);
      const key = gatewayRefKey(vs.namespace, ref);
      const gw = gatewayByRef(inv, vs.namespace, ref);
      const field = `spec.gateways[${index}]`;
      if (!gw) {
        if (!gateways.length) {
          f.add(
            'not-verifiable',
            vs,
            field,
            `Gateway ${key.namespace}/${key.name} is not in the manifests`,
            'check the Gateway exists',
            { missing: true },
          );
        } else {
          const same = byName.get(key.name) ?? [];
          f.add(
            'vs-gateway-ref',
            vs,
            field,
            `gateway '${ref}' resolves to ${key.namespace}/${key.name}, which does not exist${same.length ? ` (found ${same.map((g) => g.ref).join(', ')})` : ''}`,
            same.length
              ? `write it as ${same[0].namespace}/${same[0].name}`
              : 'reference an existing Gateway as <namespace>/<name>',
          );
        }
        return;
      }
      const exportTo = arr(spec.exportTo)
        .map(str)
        .filter((e): e is string => !!e);
      if (exportTo.length) {
        const needed = unique(workloadsOfGateway(inv, gw).map((w) => w.namespace));
        for (const ns of needed.length ? needed : [gw.namespace]) {
          const ok = exportTo.includes('*') || exportTo.includes(ns) || (exportTo.includes('.') && ns === vs.namespace);
          if (!ok) {
            f.add(
              'vs-export-to',
              vs,
              'spec.exportTo',
              `exportTo ${JSON.stringify(exportTo)} hides the VirtualService from the gateway in namespace ${ns}`,
              `add '${ns}' to spec.exportTo (or remove exportTo)`,
            );
          }
        }
      }
    });
    for (const kind of ['http', 'tcp', 'tls']) {
      arr(spec[kind]).forEach((route, i) => {
        arr(rec(route).route).forEach((dest, j) => {
          const host = str(at(dest, 'destination.host'));
          if (!host) return;
          const port = at(dest, 'destination.port.number');
          checkDestination(
            inv,
            vs,
            `spec.${kind}[${i}].route[${j}].destination`,
            host,
            typeof port === 'number' ? port : undefined,
            f,
          );
        });
      });
    }
  }
}

function checkDestination(
  inv: Inventory,
  vs: Obj,
  field: string,
  host: string,
  port: number | undefined,
  f: Findings,
): void {
  if (serviceEntryFor(inv, host)) return;
  const key = resolveHost(inv, vs.namespace, host);
  if ('external' in key) return; // egress-service-entry covers external hosts
  const svc = inv.service(key.namespace, key.name);
  if (!svc) {
    if (inv.knowsNamespace(key.namespace) && !f.closedWorld) {
      // A warning, not an error: the Service may be deployed from other manifests into the same namespace.
      f.add(
        'vs-destination-absent',
        vs,
        `${field}.host`,
        `host '${host}' resolves to Service ${key.namespace}/${key.name}, which is not in the manifests`,
        `use the Service name (short in the same namespace, <name>.<ns>.svc.cluster.local otherwise)`,
      );
    } else {
      f.add(
        'not-verifiable',
        vs,
        `${field}.host`,
        `Service ${key.namespace}/${key.name} is not in the manifests`,
        'check the destination Service exists',
        { missing: true },
      );
    }
    return;
  }
  if (port !== undefined && !svc.ports.some((p) => p.port === port)) {
    f.add(
      'vs-destination',
      vs,
      `${field}.port.number`,
      `port ${port} is not a port of ${svc.ref} (ports: ${svc.ports.map((p) => p.port).join(', ')})`,
      `set destination.port.number to one of ${svc.ports.map((p) => p.port).join(', ')}`,
    );
  } else if (port === undefined && svc.ports.length > 1) {
    f.add(
      'vs-destination',
      vs,
      `${field}.port`,
      `${svc.ref} has several ports, so the destination must name one`,
      'set destination.port.number',
      { istioCode: 'IST0112' },
    );
  }
}
