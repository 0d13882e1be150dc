import { CheckResult, Finding, HopState } from './types';
import { append } from './util';

const MARK: Record<HopState, string> = { encrypted: 'encrypted', plaintext: 'PLAINTEXT', unknown: 'unknown  ' };

/** Findings that differ only by object are printed once, listing the objects. */
function findingLines(group: Finding[]): string[] {
  const f = group[0];
  const sev = f.severity.toUpperCase().padEnd(7);
  // The same object name from several manifest sets is told apart by its file.
  const repeated = new Set(group.map((g) => g.object)).size < group.length;
  const label = (g: Finding) => (repeated && g.source ? `${g.object} (${g.source})` : g.object);
  const head =
    group.length === 1 ? `${f.object}  ${f.field}` : `${group.length} objects: ${group.map(label).join(', ')}`;
  return [
    `${sev} ${f.ruleId}${f.istioCode ? ` [${f.istioCode}]` : ''}  ${head}`,
    `        ${f.message}`,
    `        fix: ${f.fix}`,
  ];
}

function grouped(findings: Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.ruleId}\u0000${f.istioCode ?? ''}\u0000${f.field}\u0000${f.message.replace(f.object, '')}\u0000${f.fix}`;
    append(groups, key, f);
  }
  return [...groups.values()];
}

/** Human report: summary, findings by severity, the hop-by-hop path of every host, and the verdict line. */
export function formatText(r: CheckResult): string {
  const s = r.summary;
  const lines: string[] = [];
  lines.push(
    `checked ${s.objects} objects: ${s.errors} errors, ${s.warnings} warnings, ${s.infos} info${s.notChecked ? ` (${s.notChecked} not schema-checked)` : ''}`,
  );
  for (const skip of s.skipped) lines.push(`skipped ${skip}`);
  if (s.sets.length)
    lines.push(`the same objects appear in several directories, so each was checked on its own: ${s.sets.join(', ')}`);
  if (r.findings.length) lines.push('');
  for (const g of grouped(r.findings)) lines.push(...findingLines(g));
  lines.push('');
  lines.push(r.hops.length ? 'traffic path per host:' : 'traffic path: no ALB Ingress found');
  for (const p of r.hops) {
    lines.push(`  ${p.set ? `[${p.set}] ` : ''}${p.host}  ${p.backend}  (${p.ingress})`);
    for (const h of p.hops) {
      lines.push(`    [${MARK[h.state]}] ${h.label}${h.detail ? `  -- ${h.detail}` : ''}`);
      if (h.reason && h.state !== 'encrypted') lines.push(`                ^ ${h.reason}`);
    }
  }
  lines.push('');
  lines.push(r.verdict.line);
  return lines.join('\n');
}

export function formatJson(r: CheckResult): string {
  return JSON.stringify(r, null, 2);
}

function esc(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;'));
}

/** Mermaid flowchart: one chain per host path, links coloured by hop state. */
export function formatMermaid(r: CheckResult): string {
  const colour: Record<HopState, string> = { encrypted: '#2e7d32', plaintext: '#c62828', unknown: '#ef6c00' };
  const lines = ['flowchart LR'];
  const styles: string[] = [];
  let link = 0;
  r.hops.forEach((p, i) => {
    const client = `c${i}`;
    lines.push(`  ${client}(["client: ${esc(p.set ? `${p.host} [${p.set}]` : p.host)}"])`);
    let prev = client;
    p.hops.forEach((h, j) => {
      const id = `h${i}_${j}`;
      lines.push(`  ${id}["${esc(h.label)}"]`);
      lines.push(`  ${prev} -->|${h.state}| ${id}`);
      styles.push(`  linkStyle ${link++} stroke:${colour[h.state]},stroke-width:2px`);
      prev = id;
    });
  });
  if (!r.hops.length) lines.push('  none["no ALB Ingress found"]');
  lines.push(...styles);
  lines.push(`  verdict{{"${esc(r.verdict.line)}"}}`);
  return lines.join('\n');
}
