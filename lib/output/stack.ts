import { App, Chart } from 'cdk8s';
import { Config } from '../config/types';
import { ValueRow } from './helm-value-rows';
import { ValueDocs } from './helm-values-yaml';

/*
 * What the writers know of the app they write: everything app-specific reaches them through a StackDefinition, which
 * charts/ implements (STACK in charts/index.ts) and the commands pass in. The writers themselves import no chart.
 */

/** A chart of the stack: its objects are written to `fileName`, and carry the chart's `labels`. */
export interface StackChart extends Chart {
  readonly fileName: string;
}

/** A dependency between values that a one-key-at-a-time comparison of synths cannot see. */
export interface StructureRule {
  /** Construct path of the object. */
  readonly doc: string;
  /** Entry inside the object; the whole object when absent. */
  readonly at?: readonly string[];
  readonly cond: readonly string[];
}

/** The app-specific parts of the Helm chart. */
export interface HelmDefinition {
  /** How every config key becomes a value (a config key without a row fails the synth). */
  readonly valueRows: readonly ValueRow[];
  /** values.yaml comments of the app's values. */
  readonly valueDocs: ValueDocs;
  /** Dependencies on two values at once, made explicit; every rule is covered by tests. */
  readonly structureRules: readonly StructureRule[];
  /** The one template file `scope: ingress` renders. */
  readonly ingressScopeFile: string;
  /** Checks across values: Go-template lines of the validate define; `helper` names the chart's named templates. */
  crossFieldTemplate(helper: (name: string) => string): string;
  /** The stack's own named templates for `_helpers.tpl` (twins of functions of its charts); `helper` names them. */
  namedTemplates(helper: (name: string) => string): string;
  /** NOTES.txt lines naming what the app part of the release created; they may use `$all` (scope is not ingress). */
  readonly notesAppLines: string;
}

/** Where a team's app is written in the rendered folder. */
export interface AppFiles {
  /** The file of the app named `name`. */
  fileName(name: string): string;
  /** A glob (Argo CD's syntax) matching every app's file and no other file of the stack. */
  readonly glob: string;
}

export interface StackDefinition {
  /** Composes the enabled components of `config` into `app`, in apply order; charts without objects are left out. */
  buildCharts(app: App, config: Config): readonly StackChart[];
  /** The file that declares the gateway namespace, which the Istio Applications own under Argo CD. */
  readonly gatewayNamespaceFile: string;
  /** The files of teams' apps (`resolvedApps`), each deployed by an Argo CD Application of its own. */
  readonly appFiles: AppFiles;
  readonly helm: HelmDefinition;
}
