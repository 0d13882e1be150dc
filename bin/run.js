#!/usr/bin/env node
'use strict';
/*
 * `node bin/run.js <command> [args]`: runs a command of the compiled build (build/) with plain node, after rebuilding
 * it when any source changed since the last build, so a command never runs stale code. The sources' fingerprint
 * (path, size and modification time of every source, schema and build setting) is compared with the one recorded in the
 * build's stamp: statting them costs a few milliseconds. The JavaScript is compiled file by file with esbuild (under a
 * second; a rebuild compiles only the sources whose content changed, `build --force` all); `build
 * --declarations` adds the .d.ts files for the package, unless the declarations' own stamp says they are fresh.
 * `typecheck` type-checks tsconfig.json's program (sources and tests); `test` (what `npm test` runs) does
 * it alongside jest. All use TypeScript 7's native compiler (the devDependency typescript-native): it checks this
 * project in about 2 s of CPU where TypeScript 5's takes about 13 s. TypeScript 5 stays for the tools built on its
 * JavaScript API (typescript-eslint, typedoc).
 */
const { execFileSync, spawn, spawnSync } = require('child_process');
const { createHash } = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const BUILD = path.join(ROOT, 'build');
const STAMP = path.join(BUILD, '.stamp');
/** The fingerprint the .d.ts files were emitted from (with the lockfile: the declarations also depend on the types installed). */
const DECLARATIONS_STAMP = path.join(BUILD, '.stamp-declarations');
const LOCK = path.join(ROOT, '.build-lock');

/** The commands: their compiled entry points. */
const COMMANDS = {
  synth: 'main.js',
  check: 'lib/cli/check-command.js',
  'gateway-cert': 'lib/cli/gateway-cert-command.js',
  bench: 'lib/cli/bench.js',
  helm: 'lib/tools/helm-cli.js',
};
/** Everything the build reads besides the sources: the launcher itself and the compiler settings. */
const INPUT_FILES = ['bin/run.js', 'tsconfig.json', 'tsconfig.build.json'];
const INPUT_DIRS = ['lib', 'charts', 'imports'];
/** Data the build generates code from: the custom resources' schemas (their validators, lib/check/crd-validators.ts). */
const DATA_DIRS = ['schemas'];

function fingerprint() {
  const hash = createHash('sha256');
  const add = (rel) => {
    const st = fs.statSync(path.join(ROOT, rel), { throwIfNoEntry: false });
    // Whole milliseconds: a copy that keeps the times (cp -p, fs.cpSync's preserveTimestamps) keeps no more.
    hash.update(st ? `${rel}\0${st.size}\0${Math.round(st.mtimeMs)}\n` : `${rel}\0missing\n`);
  };
  INPUT_FILES.forEach(add);
  sources().forEach(add);
  dataFiles().forEach(add);
  return hash.digest('hex');
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** One build at a time (parallel commands or tests): the others wait, then find the build fresh. */
function withLock(fn) {
  const started = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // A build takes seconds: a lock older than two minutes was left by a killed build.
      const st = fs.statSync(LOCK, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > 120_000) fs.rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() - started > 300_000)
        throw new Error(`the build lock ${LOCK} is held for over 5 minutes; remove it if no build runs`, { cause: e });
      else sleep(100);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** The files under `dirs` that `wanted` accepts: their paths relative to the project. */
function filesUnder(dirs, wanted) {
  const out = [];
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (wanted(e.name)) out.push(child);
    }
  };
  dirs.forEach(walk);
  return out;
}

/** Every source: its path relative to the project. */
function sources() {
  return ['main.ts', ...filesUnder(INPUT_DIRS, (name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))].sort();
}

/** Every data file the build reads. */
function dataFiles() {
  return filesUnder(DATA_DIRS, (name) => name.endsWith('.json')).sort();
}

const readOr = (file, fallback) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
};

/** Writes a whole file, renamed into place: a command or test running meanwhile never reads half of it. */
function writeWhole(file, content) {
  fs.writeFileSync(`${file}.${process.pid}`, content);
  fs.renameSync(`${file}.${process.pid}`, file);
}

/**
 * What each compiled file was compiled from (a hash of the source's content: an edit that keeps the size and lands
 * in the same clock tick is still seen) and with which settings: a rebuild compiles only what changed.
 */
const COMPILED = path.join(BUILD, '.compiled.json');

const contentHash = (text) => createHash('sha256').update(text).digest('hex');

/**
 * Compiles the sources that changed since their last compile (all of them with `force`, or when the compiler or its
 * settings changed) to build/, removes the output of sources that are gone and regenerates the validators whose
 * inputs changed; returns an error text or undefined.
 */
function compile(force) {
  const esbuild = require(require.resolve('esbuild', { paths: [ROOT] }));
  const target = `node${process.versions.node.split('.')[0]}`;
  const settings = createHash('sha256')
    .update(`esbuild ${esbuild.version} ${target}\0`)
    .update(fs.readFileSync(path.join(ROOT, 'bin', 'run.js')))
    .digest('hex');
  let compiled = {};
  try {
    const saved = JSON.parse(readOr(COMPILED, '{}'));
    if (!force && saved.settings === settings) compiled = saved.files;
  } catch {
    compiled = {};
  }
  const saveCompiled = () => fs.writeFileSync(COMPILED, JSON.stringify({ settings, files: compiled }));
  const wanted = new Set();
  for (const rel of sources()) {
    const js = rel.replace(/\.ts$/, '.js');
    wanted.add(js);
    const output = path.join(BUILD, js);
    const source = fs.readFileSync(path.join(ROOT, rel), 'utf8');
    const hash = contentHash(source);
    if (compiled[rel] === hash && fs.existsSync(output)) continue;
    let code;
    try {
      code = esbuild.transformSync(source, {
        loader: 'ts',
        format: 'cjs',
        platform: 'node',
        target,
        sourcefile: rel,
        tsconfigRaw: { compilerOptions: { esModuleInterop: true } },
      }).code;
    } catch (e) {
      saveCompiled();
      const first = e.errors && e.errors[0];
      const where =
        first && first.location ? `${first.location.file}:${first.location.line}:${first.location.column}: ` : '';
      return `cannot compile ${first ? `${where}${first.text}` : String(e.message).split('\n')[0]}`.slice(0, 300);
    }
    fs.mkdirSync(path.dirname(output), { recursive: true });
    writeWhole(output, code);
    compiled[rel] = hash;
  }
  for (const rel of Object.keys(compiled)) if (!wanted.has(rel.replace(/\.ts$/, '.js'))) delete compiled[rel];
  saveCompiled();
  const prune = (rel) => {
    for (const e of fs.readdirSync(path.join(BUILD, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) prune(child);
      else if (e.name.endsWith('.js') && !wanted.has(child) && !e.name.endsWith('.generated.js'))
        fs.rmSync(path.join(BUILD, child));
      else if (e.name.endsWith('.d.ts') && !wanted.has(child.replace(/\.d\.ts$/, '.js')))
        fs.rmSync(path.join(BUILD, child));
    }
  };
  prune('');
  // The config validator as standalone code, generated from the compiled schema (see lib/config/validator.ts), unless
  // the file already holds the one of this schema, generator and ajv.
  try {
    const validator = require(path.join(BUILD, 'lib', 'config', 'validator.js'));
    const { CONFIG_SCHEMA } = require(path.join(BUILD, 'lib', 'config', 'schema.js'));
    const generated = path.join(BUILD, 'lib', 'config', validator.GENERATED_FILE);
    const inputs = createHash('sha256')
      .update(JSON.stringify(CONFIG_SCHEMA))
      .update(fs.readFileSync(path.join(BUILD, 'lib', 'config', 'validator.js')))
      .update(require(require.resolve('ajv/package.json', { paths: [ROOT] })).version)
      .digest('hex');
    const stamp = `// inputs ${inputs}\n`;
    if (force || !readOr(generated, '').startsWith(stamp))
      writeWhole(generated, stamp + validator.standaloneValidatorCode());
  } catch (e) {
    return `cannot generate the config validator: ${String(e.message).split('\n')[0]}`;
  }
  // The custom resources' validators as standalone code, one file per schema (see lib/check/crd-validators.ts);
  // each regenerated only when its schema or the code generating it changed.
  try {
    require(path.join(BUILD, 'lib', 'check', 'crd-validators.js')).writeGeneratedValidators();
  } catch (e) {
    return `cannot generate the custom resources' validators: ${String(e.message).split('\n')[0]}`;
  }
  return undefined;
}

/** Emits the .d.ts files next to the JavaScript; returns an error text or undefined. */
function emitDeclarations() {
  try {
    execFileSync(process.execPath, [nativeTsc(), '-p', path.join(ROOT, 'tsconfig.build.json')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return undefined;
  } catch (e) {
    return `the declarations do not compile (tsc -p tsconfig.build.json):\n${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
}

/** What the declarations were emitted from: the sources' fingerprint and the installed types' lockfile. */
function declarationsFingerprint(sourcesFingerprint) {
  const lock = fs.statSync(path.join(ROOT, 'package-lock.json'), { throwIfNoEntry: false });
  return `${sourcesFingerprint} ${lock ? `${lock.size}:${Math.round(lock.mtimeMs)}` : 'no-lockfile'}`;
}

/** The launcher of TypeScript 7's native compiler (typescript-native: npm:typescript@7). */
const nativeTsc = () =>
  path.join(path.dirname(require.resolve('typescript-native/package.json', { paths: [ROOT] })), 'bin', 'tsc');

/** The arguments of node for the type check: tsc over tsconfig.json (sources and tests). */
const typecheckArgs = () => [nativeTsc(), '-p', path.join(ROOT, 'tsconfig.json')];

/** The type check, its diagnostics on this process's output; returns tsc's exit code. */
function typecheck() {
  const run = spawnSync(process.execPath, typecheckArgs(), {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (run.error) throw run.error;
  return run.status ?? 1;
}

/**
 * `npm test`: the type check and jest at once. The compiler is native and multi-threaded, and jest's start-up (one
 * process, before its workers) leaves a core idle. jest's output streams; type errors stop jest and are printed.
 * Exits with tsc's code when the types fail, else with jest's.
 */
function test(args) {
  const tsc = spawn(process.execPath, typecheckArgs(), {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const jest = spawn(process.execPath, [require.resolve('jest/bin/jest', { paths: [ROOT] }), ...args], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  let typeErrors = '';
  tsc.stdout.on('data', (d) => (typeErrors += d));
  tsc.stderr.on('data', (d) => (typeErrors += d));
  const exited = (child) =>
    new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  const jestCode = exited(jest);
  exited(tsc).then((code) => {
    if (code === 0) return jestCode.then((c) => (process.exitCode = c));
    jest.kill('SIGTERM');
    return jestCode.then(() => {
      process.stdout.write(`\n${typeErrors}`);
      process.stderr.write(`error: the types do not check (tsc -p tsconfig.json exited ${code}); jest was stopped\n`);
      process.exitCode = code;
    });
  });
}

/**
 * Rebuilds the JavaScript unless its stamp matches the sources (always with `force`), then, with `declarations`, the
 * .d.ts files unless their own stamp matches; exits 1 with the compiler's output when either fails.
 */
function ensureBuilt({ force = false, declarations = false } = {}) {
  const jsFresh = (now) => !force && readOr(STAMP, '') === now;
  const declarationsFresh = (now) =>
    !declarations || (!force && readOr(DECLARATIONS_STAMP, '') === declarationsFingerprint(now));
  const before = fingerprint();
  if (jsFresh(before) && declarationsFresh(before)) return;
  const failure = withLock(() => {
    const now = fingerprint();
    if (!jsFresh(now)) {
      fs.mkdirSync(BUILD, { recursive: true });
      fs.rmSync(STAMP, { force: true });
      const error = compile(force);
      if (error !== undefined) return error;
      fs.writeFileSync(STAMP, now);
    }
    if (!declarationsFresh(now)) {
      fs.rmSync(DECLARATIONS_STAMP, { force: true });
      const error = emitDeclarations();
      if (error !== undefined) return error;
      fs.writeFileSync(DECLARATIONS_STAMP, declarationsFingerprint(now));
    }
    return undefined;
  });
  if (failure !== undefined) {
    process.stderr.write(`error: ${failure.trimEnd()}; fix the source and run again\n`);
    process.exit(1);
  }
}

const [command, ...args] = process.argv.slice(2);
if (command === 'build') {
  ensureBuilt({ declarations: args.includes('--declarations'), force: args.includes('--force') });
} else if (command === 'typecheck') {
  process.exitCode = typecheck();
} else if (command === 'test') {
  test(args);
} else if (Object.prototype.hasOwnProperty.call(COMMANDS, command)) {
  ensureBuilt();
  // The command sees its own arguments where it would under `node build/<entry>`.
  process.argv.splice(2, 1);
  require(path.join(BUILD, COMMANDS[command]));
} else {
  process.stderr.write(
    `error: unknown command ${JSON.stringify(String(command)).slice(0, 100)}; expected build, typecheck, test or one of ${Object.keys(COMMANDS).join(', ')}\n`,
  );
  process.exit(1);
}
