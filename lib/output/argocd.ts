import type { IApplication, IApplicationSet, IApplicationSource, ISyncPolicy } from './argocd-types';
import { ResolvedApp, resolvedApps } from '../config/apps';
import { Config, usesGatewayApi } from '../config/types';
import { PRODUCT_NAME } from '../product';
import { istioBaseValues, istioGatewayValues, istiodValues } from './argocd-istio-values';
import { GENERATED_HEADER, SynthError } from './plain';
import { toYamlDocuments } from './yaml';
import { echo } from '../patterns';
import type { AppFiles } from './stack';

/** Folder of `dist/` holding the Argo CD objects. */
export const ARGOCD_DIR = 'argocd';

/** The cluster Argo CD runs in, where the Application objects themselves are created. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/**
 * Sync waves of the child Applications: the Gateway API CRDs (with either `alb.api` or `gateway.api` gatewayApi),
 * metrics-server (only with `gitops.autoscaling: hpaWithMetricsServer`), Istio's CRDs, then the control plane, then
 * the gateway (only with `gateway.api: istio`), then the app (the shared edge: Gateway, ALB Ingresses, the sample),
 * then the teams' apps, whose VirtualServices or HTTPRoutes bind to that Gateway. All teams' apps share one wave, so
 * none waits for another.
 */
export const SYNC_WAVES = {
  gatewayApiCrds: -5,
  metricsServer: -4,
  istioBase: -3,
  istiod: -2,
  istioGateway: -1,
  app: 0,
  teamApps: 1,
} as const;

/** metrics-server's own chart, pinned: the HPAs of istiod and the gateway read its metrics. */
export const METRICS_SERVER_CHART = {
  repoURL: 'https://kubernetes-sigs.github.io/metrics-server',
  chart: 'metrics-server',
  version: '3.13.0',
  namespace: 'kube-system',
} as const;

/**
 * CRDs installed from a tag of their project's repository, as a directory source: Argo CD cannot read a release
 * file by URL. Pinned, not config keys: the objects this product emits and checks are written against exactly these
 * versions (the checker's schemas/ hold the same CRDs), so a version moves with the product.
 */
export interface CrdSource {
  readonly repoURL: string;
  readonly tag: string;
  readonly path: string;
  /** The files of `path` to apply: the folder also holds files that are not manifests, or the same CRDs twice. */
  readonly include: string;
}

/**
 * The Gateway API standard channel: `config/crd/standard` at the tag is what the release's standard-install.yaml
 * concatenates (the CRDs and the safe-upgrades ValidatingAdmissionPolicy with its binding).
 */
export const GATEWAY_API_CRDS: CrdSource = {
  repoURL: 'https://github.com/kubernetes-sigs/gateway-api.git',
  tag: 'v1.6.1',
  path: 'config/crd/standard',
  include: 'gateway.networking.k8s.io_*.yaml',
};

/**
 * The load balancer controller's own gateway CRDs (`gateway.k8s.aws/v1` first served in v3.5.0). The folder holds
 * them once per file and again in `gateway-crds.yaml`, the file the controller's docs apply, plus a kustomization.
 */
export const ALB_GATEWAY_CRDS: CrdSource = {
  repoURL: 'https://github.com/kubernetes-sigs/aws-load-balancer-controller.git',
  tag: 'v3.5.0',
  path: 'config/crd/gateway',
  include: 'gateway-crds.yaml',
};

const WAVE = 'argocd.argoproj.io/sync-wave';
/** Deleting the Application deletes what it deployed (otherwise Argo CD leaves it behind). */
const CASCADE_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
/** The webhook fields istiod rewrites at run time: its failurePolicy flip and the CA bundle it injects. */
const ISTIO_WEBHOOK_DRIFT = [
  {
    group: 'admissionregistration.k8s.io',
    kind: 'ValidatingWebhookConfiguration',
    jqPathExpressions: ['.webhooks[]?.failurePolicy', '.webhooks[]?.clientConfig.caBundle'],
  },
];
const READINESS_GATE_LABEL = 'elbv2.k8s.aws/pod-readiness-gate-inject';

/** An environment as the Argo CD writer needs it. */
export interface GitOpsEnvironment {
  readonly name: string;
  readonly config: Config;
  /** The files rendered into `dist/<env>/`. */
  readonly manifests: readonly { readonly fileName: string }[];
}

/** Maps a config to values of the generated Helm chart, for `gitops.appSource: helm`. */
export type HelmValuesOf = (config: Config) => Record<string, unknown>;

export interface ArgoCdOptions {
  /** Chart values for `gitops.appSource: helm`. @default - none: an environment using helm is an error */
  readonly helmValuesOf?: HelmValuesOf;
  /** Name of the generated Helm chart (its folder under `<distPath>/helm/`). @default PRODUCT_NAME */
  readonly helmChartName?: string;
  /**
   * The file that declares the gateway namespace, which the directory source leaves out: the Istio Applications own
   * that namespace. @default - no file is left out
   */
  readonly gatewayNamespaceFile?: string;
  /** The files of teams' apps in `dist/<env>/`. @default - none: an environment with apps is an error */
  readonly appFiles?: AppFiles;
}

/** Argo CD's tracking label value (`app.kubernetes.io/instance`, with label tracking) holds at most 63 characters. */
const MAX_NAME = 63;
/** helm refuses a longer release name, and Argo CD names the release after the Application. */
const MAX_HELM_RELEASE_NAME = 53;

/** Application names of an environment; at most 63 characters, as they end up in label values. */
export function applicationNames(env: GitOpsEnvironment) {
  const base = `${env.config.gitops.name}-${env.name}`;
  const names = {
    root: `${base}-root`,
    istioBase: `${base}-istio-base`,
    istiod: `${base}-istiod`,
    istioGateway: `${base}-istio-gateway`,
    metricsServer: `${base}-metrics-server`,
    gatewayApiCrds: `${base}-gateway-api-crds`,
    albGatewayCrds: `${base}-alb-gateway-crds`,
    app: base,
  };
  const { config } = env;
  const optional: Partial<Record<keyof typeof names, boolean>> = {
    istioGateway: config.gateway.api === 'istio',
    metricsServer: config.gitops.autoscaling === 'hpaWithMetricsServer',
    gatewayApiCrds: usesGatewayApi(config),
    albGatewayCrds: config.alb.api === 'gatewayApi',
  };
  const used = Object.entries(names).filter(([k]) => optional[k as keyof typeof names] ?? true);
  const longest = used.map(([, n]) => n).reduce((a, b) => (b.length > a.length ? b : a));
  if (longest.length > MAX_NAME) {
    throw new SynthError(
      `environment ${env.name}: Application name ${longest} must be at most ${MAX_NAME} characters, got ${longest.length}; shorten 'gitops.name' or the environment name`,
    );
  }
  return names;
}

/**
 * The Application name of a team's app: `<gitops.name>-<env>-app-<app>`. No other child name of the environment
 * has `-app-` after its prefix, so it never collides with them. With the Helm source it is also the release name.
 */
export function teamAppName(env: GitOpsEnvironment, app: ResolvedApp): string {
  const name = `${env.config.gitops.name}-${env.name}-app-${app.name}`;
  const helm = env.config.gitops.appSource === 'helm';
  const max = helm ? MAX_HELM_RELEASE_NAME : MAX_NAME;
  if (name.length > max) {
    throw new SynthError(
      `environment ${env.name}: Application name ${name} of '${app.key}.name' must be at most ${max} characters${helm ? " with 'gitops.appSource' helm (it is the Helm release name)" : ''}, got ${name.length}; shorten '${app.key}.name', 'gitops.name' or the environment name`,
    );
  }
  return name;
}

/** The path of the environment's child Applications inside the repository. */
export const childrenPath = (env: GitOpsEnvironment) => `${env.config.gitops.distPath}/${ARGOCD_DIR}/${env.name}`;

function labels(component: string): Record<string, string> {
  return { 'app.kubernetes.io/part-of': PRODUCT_NAME, 'app.kubernetes.io/component': component };
}

/** Automated sync (when configured) and retries: a child can start before the CRDs or webhooks it needs are ready. */
function syncPolicy(config: Config, extra: ISyncPolicy = {}): ISyncPolicy {
  const { automatedSync, prune, selfHeal } = config.gitops;
  return {
    ...(automatedSync ? { automated: { prune, selfHeal } } : {}),
    retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
    ...extra,
  };
}

function application(
  env: GitOpsEnvironment,
  name: string,
  component: string,
  wave: number | undefined,
  spec: Omit<IApplication['spec'], 'project'>,
  cascade: boolean,
): IApplication {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: env.config.gitops.argocdNamespace,
      labels: labels(component),
      ...(wave === undefined ? {} : { annotations: { [WAVE]: String(wave) } }),
      ...(cascade ? { finalizers: [CASCADE_FINALIZER] } : {}),
    },
    spec: { project: env.config.gitops.project, ...spec },
  };
}

function istioChart(config: Config, chart: string, releaseName: string, values: object): IApplicationSource {
  return {
    repoURL: config.gitops.istioChartRepoURL,
    chart,
    targetRevision: config.gitops.istioVersion,
    helm: { releaseName, valuesObject: values },
  };
}

/** The chart values of an environment's Applications, for `gitops.appSource: helm`. */
function chartValues(env: GitOpsEnvironment, options: ArgoCdOptions): Record<string, unknown> {
  if (!options.helmValuesOf) {
    throw new SynthError(
      `environment ${env.name}: 'gitops.appSource' helm needs the Helm chart output, which this synth does not produce`,
    );
  }
  return options.helmValuesOf(env.config);
}

function chartSource(env: GitOpsEnvironment, options: ArgoCdOptions, values: object): IApplicationSource {
  const { gitops } = env.config;
  return {
    repoURL: gitops.repoURL,
    targetRevision: gitops.targetRevision,
    path: gitops.helmChartPath ?? `${gitops.distPath}/helm/${options.helmChartName ?? PRODUCT_NAME}`,
    helm: { valuesObject: values },
  };
}

function directorySource(env: GitOpsEnvironment, filter: { include?: string; exclude?: string }): IApplicationSource {
  const { gitops } = env.config;
  return {
    repoURL: gitops.repoURL,
    targetRevision: gitops.targetRevision,
    path: `${gitops.distPath}/${env.name}`,
    directory: { recurse: false, ...filter },
  };
}

/** Argo CD's glob matching any of `patterns`: a brace list when there are several. */
const anyOf = (patterns: readonly string[]): string | undefined =>
  patterns.length <= 1 ? patterns[0] : `{${patterns.join(',')}}`;

/**
 * Whether an Istio Application creates the gateway namespace: istio-base when it is Istio's own namespace, else the
 * gateway chart's Application, which only exists with `gateway.api: istio`.
 */
export const istioOwnsGatewayNamespace = (config: Config): boolean =>
  config.gateway.api === 'istio' || config.gateway.namespace === config.mesh.rootNamespace;

/**
 * The source of the `app` Application: everything but the gateway namespace when an Istio Application owns it and,
 * with teams' apps, their files.
 */
function appSource(
  env: GitOpsEnvironment,
  options: ArgoCdOptions,
  apps: readonly ResolvedApp[],
  values: Record<string, unknown> | undefined,
): IApplicationSource {
  if (values !== undefined) return chartSource(env, options, apps.length ? { ...values, scope: 'edge' } : values);
  // One owner per object: the gateway namespace is the Istio Applications' if one creates it, else the edge's;
  // each team's app is its own Application's.
  const file = istioOwnsGatewayNamespace(env.config) ? options.gatewayNamespaceFile : undefined;
  const excluded = [
    ...(file !== undefined && env.manifests.some((m) => m.fileName === file) ? [file] : []),
    ...(apps.length ? [appFilesOf(env, options).glob] : []),
  ];
  const exclude = anyOf(excluded);
  return directorySource(env, exclude === undefined ? {} : { exclude });
}

function appFilesOf(env: GitOpsEnvironment, options: ArgoCdOptions): AppFiles {
  if (!options.appFiles) {
    throw new SynthError(`environment ${env.name}: 'apps' need the app file names, which this synth does not give`);
  }
  return options.appFiles;
}

/** The source of a team's app: its file alone, or the chart rendering that app alone. */
function teamAppSource(
  env: GitOpsEnvironment,
  options: ArgoCdOptions,
  app: ResolvedApp,
  values: Record<string, unknown> | undefined,
  rendered: ReadonlySet<string>,
): IApplicationSource {
  if (values !== undefined) return chartSource(env, options, { ...values, scope: 'app', scopeApp: app.name });
  const file = appFilesOf(env, options).fileName(app.name);
  if (!rendered.has(file)) {
    throw new SynthError(`environment ${env.name}: '${app.key}' has no file ${file} among the rendered manifests`);
  }
  return directorySource(env, { include: file });
}

/**
 * An Application that applies CRDs from their project's repository, server-side: the largest CRDs exceed the
 * annotation size limit of client-side apply. No cascade: deleting CRDs deletes every object of their kinds in the
 * cluster. Cluster-scoped objects only, so no destination namespace.
 */
function crdApplication(env: GitOpsEnvironment, name: string, component: string, crds: CrdSource): IApplication {
  return application(
    env,
    name,
    component,
    SYNC_WAVES.gatewayApiCrds,
    {
      source: {
        repoURL: crds.repoURL,
        targetRevision: crds.tag,
        path: crds.path,
        directory: { recurse: false, include: crds.include },
      },
      destination: { server: env.config.gitops.destinationServer },
      syncPolicy: syncPolicy(env.config, { syncOptions: ['ServerSideApply=true'] }),
    },
    false,
  );
}

/**
 * The child Applications of an environment, in sync-wave order: the Gateway API CRDs when either hop uses the
 * Gateway API (and the load balancer controller's gateway CRDs with `alb.api: gatewayApi`), Istio's `base`,
 * `istiod` and (with `gateway.api: istio`) `gateway` charts, all pinned to one version, then this product's shared
 * manifests (`app`), then one Application per team's app.
 */
export function childApplications(env: GitOpsEnvironment, options: ArgoCdOptions = {}): IApplication[] {
  const { config } = env;
  const names = applicationNames(env);
  const server = config.gitops.destinationServer;
  const istioNamespace = config.mesh.rootNamespace;
  const gatewayNamespace = config.gateway.namespace;
  // ip targets: the controller injects its readiness gate only into pods of labelled namespaces, so the label must
  // be on the gateway namespace before the gateway pods are created.
  const gatewayNamespaceMetadata: ISyncPolicy =
    config.alb.targetType === 'ip'
      ? { managedNamespaceMetadata: { labels: { [READINESS_GATE_LABEL]: 'enabled' } } }
      : {};
  // Each namespace has one owning Application: Istio's namespace is istio-base's, which is never cascade-deleted;
  // a gateway namespace of its own is the gateway chart's, or with `gateway.api: gatewayApi` the edge's (its file).
  const sharedNamespace = gatewayNamespace === istioNamespace;
  const directory = config.gitops.appSource === 'directory';
  const values = directory ? undefined : chartValues(env, options);
  const apps = resolvedApps(config);
  const rendered = new Set(env.manifests.map((m) => m.fileName));
  // The rendered manifests hold their namespaces; a chart may not. Shared by the app and the teams' apps.
  const appSyncPolicy = () =>
    syncPolicy(config, {
      syncOptions: directory ? ['PruneLast=true'] : ['CreateNamespace=true', 'PruneLast=true'],
    });
  // The controller looks for both sets of CRDs once, when it starts; installing them here keeps them at the
  // version the manifests are written for (the README says to apply them before the controller starts).
  const crds = [
    ...(usesGatewayApi(config)
      ? [crdApplication(env, names.gatewayApiCrds, 'gateway-api-crds', GATEWAY_API_CRDS)]
      : []),
    ...(config.alb.api === 'gatewayApi'
      ? [crdApplication(env, names.albGatewayCrds, 'alb-gateway-crds', ALB_GATEWAY_CRDS)]
      : []),
  ];
  const metricsServer =
    config.gitops.autoscaling === 'hpaWithMetricsServer'
      ? [
          application(
            env,
            names.metricsServer,
            'metrics-server',
            SYNC_WAVES.metricsServer,
            {
              source: {
                repoURL: METRICS_SERVER_CHART.repoURL,
                chart: METRICS_SERVER_CHART.chart,
                targetRevision: METRICS_SERVER_CHART.version,
                helm: { releaseName: 'metrics-server' },
              },
              destination: { server, namespace: METRICS_SERVER_CHART.namespace },
              syncPolicy: syncPolicy(config),
            },
            true,
          ),
        ]
      : [];
  // With `gateway.api: gatewayApi` Istio deploys the gateway itself, from the Gateway in the edge's manifests.
  const istioGateway =
    config.gateway.api === 'istio'
      ? [
          application(
            env,
            names.istioGateway,
            'istio-gateway',
            SYNC_WAVES.istioGateway,
            {
              source: istioChart(config, 'gateway', config.gateway.serviceName, istioGatewayValues(config)),
              destination: { server, namespace: gatewayNamespace },
              syncPolicy: syncPolicy(
                config,
                sharedNamespace ? {} : { syncOptions: ['CreateNamespace=true'], ...gatewayNamespaceMetadata },
              ),
            },
            true,
          ),
        ]
      : [];
  return [
    ...crds,
    ...metricsServer,
    // No cascade: deleting Istio's CRDs would delete every Istio object in the cluster.
    application(
      env,
      names.istioBase,
      'istio-base',
      SYNC_WAVES.istioBase,
      {
        source: istioChart(config, 'base', 'istio-base', istioBaseValues(config)),
        destination: { server, namespace: istioNamespace },
        ignoreDifferences: ISTIO_WEBHOOK_DRIFT,
        // Server-side apply: Istio's CRDs are too large for the last-applied annotation of client-side apply.
        syncPolicy: syncPolicy(config, {
          syncOptions: ['CreateNamespace=true', 'ServerSideApply=true', 'RespectIgnoreDifferences=true'],
          ...(sharedNamespace ? gatewayNamespaceMetadata : {}),
        }),
      },
      false,
    ),
    application(
      env,
      names.istiod,
      'istiod',
      SYNC_WAVES.istiod,
      {
        source: istioChart(config, 'istiod', 'istiod', istiodValues(config)),
        destination: { server, namespace: istioNamespace },
        ignoreDifferences: ISTIO_WEBHOOK_DRIFT,
        syncPolicy: syncPolicy(config, { syncOptions: ['RespectIgnoreDifferences=true'] }),
      },
      true,
    ),
    ...istioGateway,
    application(
      env,
      names.app,
      'app',
      SYNC_WAVES.app,
      {
        source: appSource(env, options, apps, values),
        destination: { server, namespace: config.namespace },
        syncPolicy: appSyncPolicy(),
      },
      true,
    ),
    // Each team's app syncs, fails and is deleted on its own.
    ...apps.map((app) =>
      application(
        env,
        teamAppName(env, app),
        `app-${app.name}`,
        SYNC_WAVES.teamApps,
        {
          source: teamAppSource(env, options, app, values, rendered),
          destination: { server, namespace: app.namespace },
          syncPolicy: appSyncPolicy(),
        },
        true,
      ),
    ),
  ];
}

/** The app-of-apps root of an environment: it syncs the child Applications from `<distPath>/argocd/<env>/`. */
export function rootApplication(env: GitOpsEnvironment): IApplication {
  const { gitops } = env.config;
  return application(
    env,
    applicationNames(env).root,
    'root',
    undefined,
    {
      source: {
        repoURL: gitops.repoURL,
        targetRevision: gitops.targetRevision,
        path: childrenPath(env),
        directory: { recurse: false },
      },
      // The children are Application objects, which live with Argo CD; they deploy to the environment's cluster.
      destination: { server: IN_CLUSTER, namespace: gitops.argocdNamespace },
      syncPolicy: syncPolicy(env.config),
    },
    false,
  );
}

/**
 * One ApplicationSet that generates the root Application of every environment (a list generator), as an
 * alternative to applying the roots one by one. It lives in the default config's Argo CD namespace, so every
 * environment must use that namespace.
 */
export function applicationSet(envs: readonly GitOpsEnvironment[], config: Config): IApplicationSet {
  const namespace = config.gitops.argocdNamespace;
  for (const env of envs) {
    if (env.config.gitops.argocdNamespace !== namespace) {
      throw new SynthError(
        `environment ${env.name}: 'gitops.argocdNamespace' must be ${namespace} like the default config's, since the ApplicationSet creates every root in its own namespace, got ${echo(env.config.gitops.argocdNamespace)}`,
      );
    }
  }
  // Each element carries the root's values; `syncPolicy` goes in whole through templatePatch, since a template
  // field can only be a string.
  const elements = envs.map((env) => {
    const root = rootApplication(env);
    const source = root.spec.source!;
    return {
      env: env.name,
      name: root.metadata.name,
      project: root.spec.project,
      repoURL: source.repoURL,
      targetRevision: source.targetRevision,
      path: source.path,
      syncPolicy: root.spec.syncPolicy,
    };
  });
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: `${config.gitops.name}-environments`, namespace, labels: labels('environments') },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ list: { elements } }],
      template: {
        metadata: { name: '{{ .name }}', labels: labels('root') },
        spec: {
          project: '{{ .project }}',
          source: {
            repoURL: '{{ .repoURL }}',
            targetRevision: '{{ .targetRevision }}',
            path: '{{ .path }}',
            directory: { recurse: false },
          },
          destination: { server: IN_CLUSTER, namespace },
        },
      },
      templatePatch: 'spec:\n  syncPolicy: {{ toJson .syncPolicy }}\n',
    },
  };
}

/**
 * The `argocd/` tree: `root-<env>.yaml` per environment, `<env>/` with its child Applications, and
 * `applicationset.yaml`. Empty when there are no environments.
 */
export function renderArgoCd(
  envs: readonly GitOpsEnvironment[],
  config: Config,
  options: ArgoCdOptions = {},
): Map<string, string> {
  const files = new Map<string, string>();
  if (envs.length === 0) return files;
  const write = (path: string, objects: unknown[]) =>
    files.set(`${ARGOCD_DIR}/${path}`, GENERATED_HEADER + toYamlDocuments(objects));
  const owners = new Map<string, string>();
  for (const env of envs) {
    const apps = [rootApplication(env), ...childApplications(env, options)];
    for (const app of apps) claimName(owners, env, app);
    write(`root-${env.name}.yaml`, [apps[0]]);
    // One file per child, named after its component label.
    for (const app of apps.slice(1))
      write(`${env.name}/${app.metadata.labels!['app.kubernetes.io/component']}.yaml`, [app]);
  }
  write('applicationset.yaml', [applicationSet(envs, config)]);
  return files;
}

/**
 * Application names are unique per Argo CD namespace across environments, whose names only differ by their suffix
 * (environment `dev` with app `x` and environment `dev-app-x` would both have `yelb-dev-app-x`).
 */
function claimName(owners: Map<string, string>, env: GitOpsEnvironment, app: IApplication): void {
  const { name, namespace } = app.metadata;
  const component = app.metadata.labels!['app.kubernetes.io/component'];
  const key = `${namespace}/${name}`;
  const owner = owners.get(key);
  if (owner !== undefined) {
    throw new SynthError(
      `environment ${env.name}: Application name ${name} (${component}) is already that of ${owner}; rename the environment, or the app in 'apps'`,
    );
  }
  owners.set(key, `environment ${env.name}'s ${component}`);
}
