import { Obj } from './inventory';
import { rule } from './rules';
import { Finding } from './types';
import { ECHO_LIMIT } from '../patterns';

/** Longest run of non-blank characters a finding repeats whole; longer runs are manifest values, cut to ECHO_LIMIT. */
const LONGEST_WORD = 200;
/** Longest finding message: far above any rule's own words, far below a pasted file. */
const LONGEST_MESSAGE = 2000;
function shorten(text: string): string {
  const words = text.replace(new RegExp(`\\S{${LONGEST_WORD + 1},}`, 'g'), (word) => `${word.slice(0, ECHO_LIMIT)}... (${word.length} characters)`);
  return words.length <= LONGEST_MESSAGE ? words : `${words.slice(0, LONGEST_MESSAGE)}... (${words.length} characters)`;
}

/** Collects findings, taking each severity from the rule catalogue and dropping exact repeats. */
export class Findings {
  readonly items: Finding[] = [];
  private readonly seen = new Set<string>();

  add(ruleId: string, target: Obj | string, field: string, rawMessage: string, fix: string): void {
    // Echoed values (JSON annotations, | blocks) may span lines; a finding stays on one line, and a huge value
    // (a 50 MB annotation) is cut to its start.
    const message = shorten(rawMessage.replace(/\s*\n\s*/g, ' ').trim());
    const object = typeof target === 'string' ? target : target.ref;
    const key = `${ruleId}\u0000${object}\u0000${field}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const source = typeof target === 'string' ? undefined : target.source;
    this.items.push({ ruleId, severity: rule(ruleId).severity, object, field, message, fix: shorten(fix), ...(source ? { source } : {}) });
  }
}
