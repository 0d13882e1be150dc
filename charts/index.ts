import { App } from 'cdk8s';
import { Config } from '../lib/config/types';
import { StackDefinition } from '../lib/output/stack';
import { YELB_GATEWAY_CALLABLE } from '../lib/yelb-app';
import { resolvedApps } from '../lib/config/apps';
import { AlbIngressChart } from './alb-ingress-chart';
import { ALB_INGRESS_CONTEXT, albPlanTemplate, keyValueTemplates, nthAlbNameTemplate } from './alb-plan-template';
import { APP_FILES_GLOB, AppChart, appFileName } from './app-chart';
import { APPS_REPEATED_FILE, appTemplates } from './helm-app-file';
import { crossFieldTemplate } from './cross-field-rules';
import { GatewayCertificateChart } from './gateway-certificate-chart';
import { INGRESS_SCOPE_FILE, NOTES_APP_LINES, STRUCTURE_RULES } from './helm-chart-rules';
import { VALUE_DOCS, VALUE_ROWS } from './helm-value-rows';
import { IstioEdgeChart } from './istio-edge-chart';
import { GATEWAY_NAMESPACE_FILE, GatewayNamespaceChart, NamespacesChart } from './namespaces-chart';
import { ProductChart } from './product-chart';
import { YelbChart } from './yelb-chart';

export { GATEWAY_NAMESPACE_FILE, INGRESS_SCOPE_FILE, ProductChart };

/** Composes the enabled components into `app`, in apply order. */
export function buildCharts(app: App, config: Config): ProductChart[] {
  const charts: ProductChart[] = [
    new NamespacesChart(app, 'Namespaces', config),
    new GatewayNamespaceChart(app, 'GatewayNamespace', config),
  ];
  const yelb = config.yelb.enabled ? new YelbChart(app, 'Yelb', config) : undefined;
  if (yelb) charts.push(yelb);
  if (config.istioEdge.enabled) {
    const edge = new IstioEdgeChart(app, 'IstioEdge', config, yelb?.app.meshServices ?? []);
    if (yelb) {
      // A gateway route to a yelb Service must name one of its ports; routes to other Services are the user's own.
      edge.node.addValidation({
        validate: () =>
          config.istioEdge.routes.flatMap((r, i) => {
            const port = yelb.app.servicePorts.get(r.service);
            if (port === undefined) return [];
            if (port !== r.port)
              return [`'istioEdge.routes[${i}].port' must be ${port}, the port of Service ${r.service}, got ${r.port}`];
            // The authorization policies let the gateway call the front end only; any other route would be denied.
            return config.mesh.authorization && !YELB_GATEWAY_CALLABLE.includes(r.service)
              ? [
                  `'istioEdge.routes[${i}].service' must be ${YELB_GATEWAY_CALLABLE.join(' or ')} while mesh.authorization is on, got "${r.service}"`,
                ]
              : [];
          }),
      });
    }
    charts.push(edge);
  }
  for (const team of resolvedApps(config)) charts.push(new AppChart(app, `App-${team.name}`, config, team));
  if (config.gateway.tls.mode === 'certManager')
    charts.push(new GatewayCertificateChart(app, 'GatewayCertificate', config));
  if (config.albIngress.enabled) charts.push(new AlbIngressChart(app, 'AlbIngress', config));
  return charts.filter((c) => c.node.children.length > 0);
}

/** The stack as the writers see it: its charts and what the Helm chart and Argo CD need to know of them. */
export const STACK: StackDefinition = {
  buildCharts,
  gatewayNamespaceFile: GATEWAY_NAMESPACE_FILE,
  appFiles: { fileName: appFileName, glob: APP_FILES_GLOB },
  helm: {
    valueRows: VALUE_ROWS,
    valueDocs: VALUE_DOCS,
    structureRules: STRUCTURE_RULES,
    ingressScopeFile: INGRESS_SCOPE_FILE,
    crossFieldTemplate,
    namedTemplates: (h) =>
      [albPlanTemplate(h), nthAlbNameTemplate(h), keyValueTemplates(h), appTemplates(h)].join('\n\n'),
    fileContexts: [ALB_INGRESS_CONTEXT],
    repeatedFiles: [APPS_REPEATED_FILE],
    notesAppLines: NOTES_APP_LINES,
  },
};
