import { Obj } from './identity';
import { rule } from './rules';
import { Finding } from './types';
import { ECHO_LIMIT } from '../patterns';

/** Longest run of non-blank characters a finding repeats whole; longer runs are manifest values, cut to ECHO_LIMIT. */
const LONGEST_WORD = 200;
/** Longest finding message: far above any rule's own words, far below a pasted file. */
const LONGEST_MESSAGE = 2000;
/** Compiled once: a finding is added per object, and a check can add thousands. */
const LONG_WORD = new RegExp(`\\S{${LONGEST_WORD + 1},}`, 'g');
function shorten(text: string): string {
  const words = text.replace(LONG_WORD, (word) => `${word.slice(0, ECHO_LIMIT)}... (${word.length} characters)`);
  return words.length <= LONGEST_MESSAGE ? words : `${words.slice(0, LONGEST_MESSAGE)}... (${words.length} characters)`;
}

export interface AddOptions {
  /** The istioctl code of this finding when it differs from the rule's; null for none (a condition istioctl has no message for). */
  readonly istioCode?: string | null;
  /**
   * For `not-verifiable`: the finding is about a referenced object absent from the manifests. With `--complete` the
   * manifests are the whole cluster, so it becomes the error `reference-missing` (istioctl's IST0101 for Istio references).
   */
  readonly missing?: boolean;
}

/** Collects findings, taking each severity (and istioctl code) from the rule catalogue and dropping exact repeats. */
export class Findings {
  readonly items: Finding[] = [];
  private readonly seen = new Set<string>();

  /** @param complete closed world (`--complete`): a missing referenced object is an error, not an open question. */
  constructor(private readonly complete = false) {}

  /** Whether the manifests are the whole cluster (`--complete`). */
  get closedWorld(): boolean {
    return this.complete;
  }

  add(
    givenRuleId: string,
    target: Obj | string,
    field: string,
    rawMessage: string,
    fix: string,
    options: AddOptions = {},
  ): void {
    const promoted = this.complete && givenRuleId === 'not-verifiable' && options.missing === true;
    const ruleId = promoted ? 'reference-missing' : givenRuleId;
    // Echoed values (JSON annotations, | blocks) may span lines; a finding stays on one line, and a huge value
    // (a 50 MB annotation) is cut to its start.
    const message = shorten(rawMessage.replace(/\s*\n\s*/g, ' ').trim());
    const object = typeof target === 'string' ? target : target.ref;
    const key = `${ruleId}\u0000${object}\u0000${field}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const source = typeof target === 'string' ? undefined : target.source;
    const info = rule(ruleId);
    const istio = typeof target !== 'string' && target.group.endsWith('istio.io');
    const code =
      options.istioCode === null
        ? undefined
        : (options.istioCode ?? (info.istioObjectsOnly && !istio ? undefined : info.istioCode));
    this.items.push({
      ruleId,
      severity: info.severity,
      ...(code ? { istioCode: code } : {}),
      object,
      field,
      message,
      fix: shorten(fix),
      ...(source ? { source } : {}),
    });
  }
}
