import * as fs from 'fs';
import * as path from 'path';
import { CheckResult, Finding, K8sObject, parseYaml, SourcedObject } from '../../lib/check';
import { main } from '../../lib/cli/check';
import { CommandRun, runMain } from '../support/commands';

export const ROOT = path.resolve(__dirname, '../..');
export const FIXTURES = path.join(ROOT, 'test/fixtures/check');

/** Parses every YAML file of a fixture directory, in name order. */
export function loadDir(dir: string): SourcedObject[] {
  const full = path.join(FIXTURES, dir);
  return fs
    .readdirSync(full)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((f) => parseYaml(fs.readFileSync(path.join(full, f), 'utf8'), `${dir}/${f}`));
}

/** Deep copy of the raw objects, so a test can mutate them freely. */
export function objects(dir: string): K8sObject[] {
  return loadDir(dir).map((o) => JSON.parse(JSON.stringify(o.object)) as K8sObject);
}

/** The object of a kind and name (first match); throws so a typo in a test fails loudly. */
export function find(objs: K8sObject[], kind: string, name: string): K8sObject & { spec: any; metadata: any } {
  const o = objs.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in the fixture`);
  return o as K8sObject & { spec: any; metadata: any };
}

export function ruleIds(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => f.ruleId))].sort();
}

/** `ruleId @ object` pairs, for asserting findings by rule and object. */
export function pairs(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => `${f.ruleId} @ ${f.object}`))].sort();
}

export type { CommandRun as CliRun } from '../support/commands';

/** Runs the check CLI's main in-process, in `cwd` (exit code, stdout, stderr). */
export function runCli(args: string[], cwd = ROOT): Promise<CommandRun> {
  return runMain(main, args, cwd);
}

export async function runCliJson(
  args: string[],
): Promise<{ code: number | null; result: CheckResult; stderr: string }> {
  const r = await runCli(['--json', ...args]);
  return { code: r.code, result: JSON.parse(r.stdout) as CheckResult, stderr: r.stderr };
}
