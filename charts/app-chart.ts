import { Construct } from 'constructs';
import { ResolvedApp } from '../lib/config/apps';
import { Config, gatewayServiceAccountOf } from '../lib/config/types';
import { MeshApp } from '../lib/mesh-app';
import { ProductChart, namingConfigKeys } from './product-chart';

/** The file of a team's app: after the shared Gateway, before the ALBs that route its hosts. */
export const APP_FILE_ORDER = 22;
/** `22-app-<name>.yaml`: the file of an app in dist/ (and the pattern Argo CD includes for it). */
export const appFileName = (name: string) => `${APP_FILE_ORDER}-app-${name}.yaml`;
/** Every app's file and nothing else: no other chart's file starts with `22-app-`, and app names hold no `*`. */
export const APP_FILES_GLOB = appFileName('*');

/** MeshApp props -> the config keys they come from, for the app at `key` (`apps[3]`). */
function appConfigKeys(app: ResolvedApp): Record<string, string> {
  const { key } = app;
  return {
    name: `${key}.name`,
    // Defaulted from the name: the line names the key the user wrote.
    namespace: app.configured.namespace === undefined ? `${key}.name` : `${key}.namespace`,
    hosts: `${key}.hosts`,
    routes: `${key}.routes`,
    externalHosts: `${key}.externalHosts`,
    outboundTrafficPolicy: `${key}.outboundTrafficPolicy`,
    mtlsMode: `${key}.mtlsMode`,
    workloadLabel: `${key}.workloadLabel`,
    allow: `${key}.allow`,
    gateway: 'gateway.namespace',
    gatewayServiceAccount: 'gateway.serviceAccount',
    binding: 'gateway.api',
    trustDomain: 'mesh.trustDomain',
    rootNamespace: 'mesh.rootNamespace',
  };
}

/** One team's app: its namespace, routing, egress, mTLS and authorization, in a file of its own. */
export class AppChart extends ProductChart {
  public readonly app: MeshApp;

  constructor(scope: Construct, id: string, config: Config, app: ResolvedApp) {
    super(scope, id, `app-${app.name}`, APP_FILE_ORDER);
    this.app = namingConfigKeys(
      appConfigKeys(app),
      () =>
        new MeshApp(this, 'App', {
          name: app.name,
          namespace: app.namespace,
          hosts: [...app.hosts],
          routes: [...app.routes],
          gateway: `${config.gateway.namespace}/${config.gateway.name}`,
          binding: config.gateway.api === 'gatewayApi' ? 'httpRoute' : 'virtualService',
          gatewayServiceAccount: gatewayServiceAccountOf(config),
          trustDomain: config.mesh.trustDomain,
          externalHosts: [...app.externalHosts],
          outboundTrafficPolicy: app.outboundTrafficPolicy,
          mtlsMode: app.namespacePeerAuthentication ? app.mtlsMode : null,
          rootNamespace: config.mesh.rootNamespace,
          authorization: app.authorization,
          workloadLabel: app.workloadLabel,
          allow: [...app.allow],
        }),
    );
  }
}
