import { Obj } from './inventory';
import { rule } from './rules';
import { Finding } from './types';

/** Collects findings, taking each severity from the rule catalogue and dropping exact repeats. */
export class Findings {
  readonly items: Finding[] = [];
  private readonly seen = new Set<string>();

  add(ruleId: string, target: Obj | string, field: string, rawMessage: string, fix: string): void {
    // Echoed values (JSON annotations, | blocks) may span lines; a finding stays on one line.
    const message = rawMessage.replace(/\s*\n\s*/g, ' ').trim();
    const object = typeof target === 'string' ? target : target.ref;
    const key = `${ruleId}\u0000${object}\u0000${field}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const source = typeof target === 'string' ? undefined : target.source;
    this.items.push({ ruleId, severity: rule(ruleId).severity, object, field, message, fix, ...(source ? { source } : {}) });
  }
}
