/**
 * The fields of Argo CD's Application and ApplicationSet (argoproj.io/v1alpha1) that this product writes. Only a
 * typing aid: the output is validated against Argo CD's own CRD schema (schemas/argoproj.io, docs/SCHEMAS.md).
 */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

export interface IApplicationSource {
  repoURL: string;
  targetRevision?: string;
  path?: string;
  chart?: string;
  directory?: { recurse?: boolean; exclude?: string; include?: string };
  helm?: { releaseName?: string; valuesObject?: object; valueFiles?: string[] };
}

export interface ISyncPolicy {
  automated?: { prune?: boolean; selfHeal?: boolean };
  retry?: { limit?: number; backoff?: { duration?: string; factor?: number; maxDuration?: string } };
  syncOptions?: string[];
  managedNamespaceMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

export interface IResourceIgnoreDifferences {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
}

export interface IApplicationSpec {
  project: string;
  source?: IApplicationSource;
  destination: { server?: string; name?: string; namespace?: string };
  syncPolicy?: ISyncPolicy;
  ignoreDifferences?: IResourceIgnoreDifferences[];
}

export interface IApplication {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Application';
  metadata: ObjectMeta;
  spec: IApplicationSpec;
}

export interface IApplicationSet {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'ApplicationSet';
  metadata: ObjectMeta;
  spec: {
    goTemplate?: boolean;
    goTemplateOptions?: string[];
    generators: { list: { elements: object[] } }[];
    template: { metadata: Partial<ObjectMeta>; spec: IApplicationSpec };
    templatePatch?: string;
  };
}
