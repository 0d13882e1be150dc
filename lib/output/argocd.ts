import type { IApplication, IApplicationSet, IApplicationSource, ISyncPolicy } from './argocd-types';
import { Config } from '../config/types';
import { PRODUCT_NAME } from '../product';
import { istioBaseValues, istioGatewayValues, istiodValues } from './argocd-istio-values';
import { GENERATED_HEADER, SynthError } from './plain';
import { toYamlDocuments } from './yaml';
import { echo } from '../patterns';

/** Folder of `dist/` holding the Argo CD objects. */
export const ARGOCD_DIR = 'argocd';

/** The cluster Argo CD runs in, where the Application objects themselves are created. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/**
 * Sync waves of the child Applications: metrics-server (only with `gitops.autoscaling: hpaWithMetricsServer`),
 * Istio's CRDs, then the control plane, then the gateway, then the app.
 */
export const SYNC_WAVES = { metricsServer: -4, istioBase: -3, istiod: -2, istioGateway: -1, app: 0 } as const;

/** metrics-server's own chart, pinned: the HPAs of istiod and the gateway read its metrics. */
export const METRICS_SERVER_CHART = {
  repoURL: 'https://kubernetes-sigs.github.io/metrics-server',
  chart: 'metrics-server',
  version: '3.13.0',
  namespace: 'kube-system',
} as const;

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
}

/** Application names of an environment; at most 63 characters, as they end up in label values. */
export function applicationNames(env: GitOpsEnvironment) {
  const base = `${env.config.gitops.name}-${env.name}`;
  const names = {
    root: `${base}-root`,
    istioBase: `${base}-istio-base`,
    istiod: `${base}-istiod`,
    istioGateway: `${base}-istio-gateway`,
    metricsServer: `${base}-metrics-server`,
    app: base,
  };
  const used = Object.entries(names).filter(
    ([k]) => k !== 'metricsServer' || env.config.gitops.autoscaling === 'hpaWithMetricsServer',
  );
  const longest = used.map(([, n]) => n).reduce((a, b) => (b.length > a.length ? b : a));
  if (longest.length > 63) {
    throw new SynthError(
      `environment ${env.name}: Application name ${longest} must be at most 63 characters, got ${longest.length}; shorten 'gitops.name' or the environment name`,
    );
  }
  return names;
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

function appSource(env: GitOpsEnvironment, options: ArgoCdOptions): IApplicationSource {
  const { gitops } = env.config;
  if (gitops.appSource === 'directory') {
    // The gateway namespace belongs to the Istio Applications: one owner per object.
    const file = options.gatewayNamespaceFile;
    const exclude = file !== undefined && env.manifests.some((m) => m.fileName === file) ? { exclude: file } : {};
    return {
      repoURL: gitops.repoURL,
      targetRevision: gitops.targetRevision,
      path: `${gitops.distPath}/${env.name}`,
      directory: { recurse: false, ...exclude },
    };
  }
  if (!options.helmValuesOf) {
    throw new SynthError(
      `environment ${env.name}: 'gitops.appSource' helm needs the Helm chart output, which this synth does not produce`,
    );
  }
  return {
    repoURL: gitops.repoURL,
    targetRevision: gitops.targetRevision,
    path: gitops.helmChartPath ?? `${gitops.distPath}/helm/${options.helmChartName ?? PRODUCT_NAME}`,
    helm: { valuesObject: options.helmValuesOf(env.config) },
  };
}

/**
 * The child Applications of an environment, in sync-wave order: Istio's `base`, `istiod` and `gateway` charts, all
 * pinned to one version, then this product's manifests.
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
  // a gateway namespace of its own is the gateway's.
  const sharedNamespace = gatewayNamespace === istioNamespace;
  const directory = config.gitops.appSource === 'directory';
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
  return [
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
    application(
      env,
      names.app,
      'app',
      SYNC_WAVES.app,
      {
        source: appSource(env, options),
        destination: { server, namespace: config.namespace },
        // The rendered manifests hold their namespaces; a chart may not.
        syncPolicy: syncPolicy(config, {
          syncOptions: directory ? ['PruneLast=true'] : ['CreateNamespace=true', 'PruneLast=true'],
        }),
      },
      true,
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
  for (const env of envs) {
    write(`root-${env.name}.yaml`, [rootApplication(env)]);
    // One file per child, named after its component label.
    for (const app of childApplications(env, options))
      write(`${env.name}/${app.metadata.labels!['app.kubernetes.io/component']}.yaml`, [app]);
  }
  write('applicationset.yaml', [applicationSet(envs, config)]);
  return files;
}
