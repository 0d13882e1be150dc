import { App, Chart } from 'cdk8s';
import { Config } from '../config/types';
import { ListSpec } from './helm-nodes';
import { Sentinels } from './helm-templatize';
import { SentinelSet, ValueRow } from './helm-value-rows';
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
  /** Construct path of the object; `<prefix>/*`: every object under the prefix but those in `except`. */
  readonly doc: string;
  readonly except?: readonly string[];
  /** Entry inside the object; the whole object when absent. */
  readonly at?: readonly string[];
  readonly cond: readonly string[];
}

/**
 * A template file whose objects repeat over a list a named template computes (the Ingresses over the planned ALBs):
 * `open` starts the repetition and `close` ends it; inside, list values and values are read from its variables.
 */
export interface FileContext {
  readonly fileName: string;
  readonly open: string;
  readonly close: string;
  /** List values read from the context instead (`host` -> `$alb.hosts`). */
  readonly lists: ReadonlyMap<string, ListSpec>;
  /** Values read through a pipeline instead of `$.Values.<path>` (`alb.ingressName` -> the n-th ALB's name). */
  readonly values: Readonly<Record<string, string>>;
}

/** A field of the repeated element that is an enum or a switch: one more synth per other value. */
export interface RepeatedVariant {
  /** The field, for messages. */
  readonly key: string;
  /** The field's value as a pipeline (`$app.mtlsMode`). */
  readonly expr: string;
  readonly base: unknown;
  readonly value: unknown;
  /** The Go-template condition that holds exactly when the element has `value`. */
  readonly cond: string;
  /** Every other value of the field has a variant, `others` in all. */
  readonly others: number;
}

/**
 * A template file repeated for every element of a list value (a team's app): its objects come from synths of the
 * element's charts with one sentinel element, whose fields the templates read from a variable that `open` sets.
 */
export interface RepeatedFile {
  /** The list value, which the values table covers. */
  readonly list: string;
  readonly fileName: string;
  /** Template lines that start the repetition and set the element's variable; `close` ends them. */
  readonly open: string;
  readonly close: string;
  /** The element's lists, by the names its sentinels' references use. */
  readonly lists: ReadonlyMap<string, ListSpec>;
  /** What the sentinels of the element stand for, in set `set` over the main synth's `config` of that set. */
  sentinels(set: SentinelSet, config: Config): Sentinels;
  readonly variants: readonly RepeatedVariant[];
  /** The charts of the sentinel element of `set` (with `variants[variant]` applied), over `config`. */
  build(app: App, config: Config, set: SentinelSet, variant?: number): readonly StackChart[];
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
  /** Files whose objects repeat over a computed list. */
  readonly fileContexts: readonly FileContext[];
  /** Files repeated per element of a list value. */
  readonly repeatedFiles: readonly RepeatedFile[];
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
