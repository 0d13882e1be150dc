import { execFileSync, spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';
import { checkManifests } from '../check';
import { syntheticManifests } from '../check/synthetic';
import { STACK } from '../../charts';
import { CHART_NAME } from '../output/helm-chart';
import { renderAll, verifyHelmChart, verifyRendered } from '../synth';
import { helmBinary } from '../tools/helm';
import { PROJECT_ROOT } from '../project-root';

/**
 * Speed and memory figures of the synth path. Goals: a cold `npm run synth` (render, checks, write) under 1.5 s, a
 * first in-process render of every output under 500 ms, warm renders under 50 ms, peak RSS under 300 MiB. The synth
 * command runs as a user runs it: the compiled build with plain node, cold (no Helm template cache) and warm.
 * Then `npm run check` (schemas and rules) on generated manifest sets of 1k, 10k and 100k objects, and on what the
 * product emits for 1, 10, 100 and 1,000 apps behind one shared gateway (`manyAppManifests`): its cost must grow
 * linearly, so the time per 1k objects and per app stays about the same.
 * Prints figures; exits 0 either way (figures, not a test).
 */
const ROOT = PROJECT_ROOT;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ms = (x: number) => `${x.toFixed(1)} ms`;

function timeIt(runs: number, fn: () => void): number[] {
  return Array.from({ length: runs }, () => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  });
}

const first = timeIt(1, () => renderAll(STACK))[0];
const warm = timeIt(20, () => renderAll(STACK));
async function timeAsync(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

async function main(): Promise<void> {
  const rendered = renderAll(STACK);
  const checks = await timeAsync(5, () => verifyRendered(rendered));
  const out = mkdtempSync(join(tmpdir(), 'bench-'));
  const synthCli = () =>
    execFileSync(process.execPath, [join(ROOT, 'bin', 'run.js'), 'synth', '--out', join(out, 'dist')], {
      cwd: ROOT,
      stdio: 'ignore',
    });
  // Cold: the template cache and the chart's helm proof emptied before each run (only caches; the run refills them).
  const cold = timeIt(3, () => {
    emptySynthCaches();
    synthCli();
  });
  const cli = timeIt(3, synthCli);
  // helm template of the generated chart against one of a single small template: the cost of the chart's own logic.
  let helmRows: [string, string][];
  try {
    const helm = helmBinary();
    const tiny = join(out, 'tiny');
    mkdirSync(join(tiny, 'templates'), { recursive: true });
    writeFileSync(join(tiny, 'Chart.yaml'), 'apiVersion: v2\nname: tiny\nversion: 0.1.0\n');
    writeFileSync(join(tiny, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tiny\n');
    const template = (chart: string) => execFileSync(helm, ['template', 'bench', chart], { stdio: 'ignore' });
    const chart = timeIt(3, () => template(join(out, 'dist', 'helm', CHART_NAME)));
    const one = timeIt(3, () => template(tiny));
    const proof = await timeAsync(3, () => verifyHelmChart(rendered));
    helmRows = [
      ['helm template of the chart, mean of 3', ms(mean(chart))],
      ['helm template of a one-template chart, mean of 3', ms(mean(one))],
      ["synth's helm proof of the chart (defaults and each environment), mean of 3", ms(mean(proof))],
    ];
  } catch (e) {
    helmRows = [['helm template', `not measured: ${(e as Error).message.split('\n')[0]}`]];
  }
  rmSync(out, { recursive: true, force: true });

  const rows: [string, string][] = [
    ['render, first call (in process)', ms(first)],
    ['render, warm mean of 20', ms(mean(warm))],
    ['render, warm max of 20', ms(Math.max(...warm))],
    ['checks (schemas + rules), first', ms(checks[0])],
    ['checks (schemas + rules), warm mean of 4', ms(mean(checks.slice(1)))],
    ['synth command, no cache (templates, helm proof, checks), mean of 3', ms(mean(cold))],
    ['synth command, caches warm, mean of 3', ms(mean(cli))],
    ...helmRows,
    ['peak RSS of this process', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`],
    ['heap used now', `${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MiB`],
  ];
  // Once each, largest last: the first set also pays for loading the schema validators.
  for (const count of [1_000, 10_000, 100_000]) {
    const objects = syntheticManifests(count);
    const start = performance.now();
    await checkManifests(objects);
    const took = performance.now() - start;
    rows.push([`check ${count / 1000}k objects`, `${ms(took)} (${ms(took / (objects.length / 1000))} per 1k)`]);
  }
  rows.push(['peak RSS after the checks', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`]);
  for (const apps of APP_COUNTS) {
    let figure: string;
    try {
      const r = checkAppsInChild(apps);
      figure = `${ms(r.ms)} (${ms(r.ms / apps)} per app, ${r.objects} objects, ${r.errors} errors), peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MiB`;
    } catch (e) {
      figure = `not measured: ${(e as Error).message.split('\n')[0]}`;
    }
    rows.push([`check ${apps} app${apps === 1 ? '' : 's'} (own process, validators loaded)`, figure]);
  }
  rows.push(...synthAppsRows(mean(cold)));
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

const APP_COUNTS = [1, 10, 100, 1_000];

/** A configuration of `apps` apps, each one host and one route, a certificate per 10 apps, no sample. */
export function manyAppsConfig(apps: number): object {
  const certificate = (i: number) =>
    `arn:aws:acm:us-east-1:210987654321:certificate/00000000-0000-4000-8000-${String(Math.floor(i / 10)).padStart(12, '0')}`;
  return {
    yelb: { enabled: false },
    apps: Array.from({ length: apps }, (_, i) => ({
      name: `app-${i}`,
      hosts: [`app-${i}.acme.io`],
      certificateArn: certificate(i),
      routes: [{ pathPrefix: '/', service: 'web', port: 8080 }],
    })),
  };
}

/**
 * The synth command on 1, 10, 100 and 1,000 apps, each with empty caches (templates, helm proof, checks) as the
 * cold default synth above: time, time per app, peak RSS, and the ratio to the default synth's cold time.
 */
function synthAppsRows(defaultColdMs: number): [string, string][] {
  const work = mkdtempSync(join(tmpdir(), 'bench-apps-'));
  // Reports the synth process's own peak RSS when it exits.
  const preload = join(work, 'rss.js');
  writeFileSync(
    preload,
    "process.on('exit', () => require('fs').writeSync(2, `\\nbench-max-rss-kb ${process.resourceUsage().maxRSS}\\n`));",
  );
  const rows: [string, string][] = [];
  try {
    for (const apps of APP_COUNTS) {
      const config = join(work, `apps-${apps}.json`);
      writeFileSync(config, JSON.stringify(manyAppsConfig(apps)));
      let figure: string;
      try {
        emptySynthCaches();
        const start = performance.now();
        const run = spawnSync(
          process.execPath,
          [
            '--require',
            preload,
            join(ROOT, 'bin', 'run.js'),
            'synth',
            '--config',
            config,
            '--out',
            join(work, `out-${apps}`),
          ],
          { cwd: ROOT, encoding: 'utf8' },
        );
        const took = performance.now() - start;
        if (run.status !== 0)
          throw new Error(
            run.stderr
              .trim()
              .split('\n')
              .filter((l) => l.startsWith('error'))[0] ?? `exit ${run.status}`,
          );
        const rss = Number(/bench-max-rss-kb (\d+)/.exec(run.stderr)?.[1] ?? NaN);
        figure = `${ms(took)} (${ms(took / apps)} per app, ${(took / defaultColdMs).toFixed(2)}x the default synth), peak RSS ${(rss / 1024).toFixed(0)} MiB`;
      } catch (e) {
        figure = `not measured: ${(e as Error).message.split('\n')[0]}`;
      }
      rows.push([`synth command, ${apps} app${apps === 1 ? '' : 's'}, no cache`, figure]);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

/** Empties the synth's caches in .cache/ (only caches: the next run refills them). */
function emptySynthCaches(): void {
  const cache = join(ROOT, '.cache');
  mkdirSync(cache, { recursive: true });
  for (const f of readdirSync(cache, { withFileTypes: true }))
    if (/^(helm-templates|helm-self-check|checks)-/.test(f.name)) rmSync(join(cache, f.name));
}

interface AppsCheck {
  readonly ms: number;
  readonly objects: number;
  readonly errors: number;
  readonly maxRssKb: number;
}

/**
 * Checks the manifests of `apps` apps in a process of its own, which loads only the checker, so the peak RSS is the
 * check's alone. One app is checked first: the row times the apps, not compiling the validators (the rows above
 * show that once).
 */
function checkAppsInChild(apps: number): AppsCheck {
  const script = `
    const { performance } = require('perf_hooks');
    const { checkManifests } = require(${JSON.stringify(join(__dirname, '..', 'check', 'index.js'))});
    const { manyAppManifests } = require(${JSON.stringify(join(__dirname, '..', 'check', 'synthetic.js'))});
    (async () => {
      await checkManifests(manyAppManifests(1));
      const objects = manyAppManifests(${apps});
      const start = performance.now();
      const r = await checkManifests(objects);
      const ms = performance.now() - start;
      process.stdout.write(JSON.stringify({
        ms, objects: objects.length, errors: r.summary.errors, maxRssKb: process.resourceUsage().maxRSS,
      }));
    })();`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as AppsCheck;
}

void main();
