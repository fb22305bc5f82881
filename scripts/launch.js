#!/usr/bin/env node
// Runs one of the project's apps, as `npm run synth`, `npm run diff` and
// `cdk8s synth` (the synth app, main.ts) or `npm run deploy`/`status` (the
// cluster app, lib/cluster/main.ts: `--app cluster`) do. No type check here:
// that is `npm run typecheck`, part of `npm test`.
//
// An app is bundled by esbuild into build/<app>.js whenever any file the last
// bundle was made from changed: build/<app>.inputs.json records, for each of our
// sources, the build settings and npm's record of node_modules, the file's
// inode, size, mtime and ctime (ctime cannot be set back by any tool, so an edit
// that keeps the length and the mtime is still seen). The bundle then runs with
// a V8 code cache that is keyed the same way by the bundle's own identity: a
// cache made for another bundle is never used.
//
// `node scripts/launch.js --build-only` only brings the bundles up to date.
'use strict';
const { readFileSync, writeFileSync, renameSync, statSync, readdirSync, rmSync, mkdirSync } = require('node:fs');
const { join, relative } = require('node:path');
const Module = require('node:module');
const vm = require('node:vm');

const ROOT = join(__dirname, '..');
const BUILD = join(ROOT, 'build');
/** The apps, by name: their entry point. */
const APPS = { synth: 'main.ts', cluster: 'lib/cluster/main.ts' };
/** Files that change the bundle without being bundled: build settings. */
const SETTINGS = ['scripts/launch.js', 'tsconfig.json', 'package.json', 'package-lock.json'];
/**
 * The installed packages, as one file: npm rewrites it whenever it installs,
 * updates or removes a package (npm ci, npm install). Watching it instead of
 * each of the ~300 bundled files of node_modules keeps the check to ~100 stats.
 * A hand edit inside node_modules is not seen: `rm -r build` after one.
 */
const INSTALLED = 'node_modules/.package-lock.json';

/** What identifies one version of a file's content. */
function identity(path) {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return 'missing';
  }
}

const bundleOf = (app) => join(BUILD, `${app}.js`);
const inputsOf = (app) => join(BUILD, `${app}.inputs.json`);

function bundleIsFresh(app) {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(inputsOf(app), 'utf8'));
  } catch {
    return false;
  }
  if (recorded.bundle !== identity(bundleOf(app))) return false;
  for (const [file, id] of Object.entries(recorded.inputs)) if (identity(join(ROOT, file)) !== id) return false;
  return true;
}

function bundle(app) {
  const esbuild = require('esbuild');
  mkdirSync(BUILD, { recursive: true });
  const BUNDLE = bundleOf(app);
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  const result = esbuild.buildSync({
    absWorkingDir: ROOT,
    entryPoints: [APPS[app]],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile: tmp,
    metafile: true,
    logLevel: 'warning',
    // A smaller bundle reads and parses faster; identifiers keep their names
    // (nothing is renamed, so nothing that reads a class or function name changes).
    minifyWhitespace: true,
    minifySyntax: true,
    alias: { ...sharedCopies(), ...fasterK8sImports() },
  });
  renameSync(tmp, BUNDLE);
  const sources = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/'));
  const files = [...new Set([...SETTINGS, INSTALLED, ...sources])].sort();
  const inputs = Object.fromEntries(files.map((f) => [f, identity(join(ROOT, f))]));
  writeAtomic(inputsOf(app), JSON.stringify({ bundle: identity(BUNDLE), inputs }));
}

/**
 * cdk8s ships its own copy of `yaml` (a bundled dependency); when it is the
 * very version we use, the bundle holds one copy (smaller, faster to load).
 */
function sharedCopies() {
  const version = (file) => {
    try {
      return JSON.parse(readFileSync(join(ROOT, file), 'utf8')).version;
    } catch {
      return undefined;
    }
  };
  const ours = version('node_modules/yaml/package.json');
  return ours && ours === version('node_modules/cdk8s/node_modules/yaml/package.json') ? { yaml: './node_modules/yaml' } : {};
}

/**
 * cdk8s-plus-27's generated L1 classes (lib/imports/k8s.js) drop the undefined
 * members of every object they render by spreading it once per member, which
 * is quadratic and a visible share of a synth's garbage. The bundle uses a copy
 * (build/k8s-imports.js) that drops them in one pass: the same objects, the
 * same key order. Where the file no longer has that shape, the original is used.
 */
const QUADRATIC_FILTER = 'return Object.entries(result).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {});';
const K8S_IMPORTS = 'cdk8s-plus-27/lib/imports/k8s';

function fasterK8sImports() {
  let text;
  try {
    text = readFileSync(join(ROOT, 'node_modules', `${K8S_IMPORTS}.js`), 'utf8');
  } catch {
    return {};
  }
  if (!text.includes(QUADRATIC_FILTER)) return {};
  const oneFilter = 'function withoutUndefined(o) { const r = {}; for (const k of Object.keys(o)) if (o[k] !== undefined) r[k] = o[k]; return r; }';
  writeAtomic(join(BUILD, 'k8s-imports.js'), `${text.split(QUADRATIC_FILTER).join('return withoutUndefined(result);')}\n${oneFilter}\n`);
  return { [K8S_IMPORTS]: './build/k8s-imports.js' };
}

function writeAtomic(path, content) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/** Runs the bundle as a CommonJS module, compiled from the code cache when one matches it. */
function run(app) {
  const BUNDLE = bundleOf(app);
  const source = readSource(BUNDLE);
  const key = identity(BUNDLE).replace(/:/g, '-');
  // V8 rejects a cache made under other flags (its flag hash): one cache per set of Node flags.
  const flags = fnv1a(process.execArgv.join(' '));
  const cacheFile = `${BUNDLE}.${process.version}.${process.arch}.${flags}.${key}.cache`;
  // What the app derives from its own code alone (the values JSON schema) is cached under the same key.
  process.env.PYNOMALY_BUNDLE_CACHE = `${BUNDLE}.${key}`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: BUNDLE, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    // At exit (an app may finish asynchronously, or call process.exit), so the cache holds the
    // functions the run compiled; registered before the run, which may exit without returning.
    process.once('exit', (code) => code === 0 && saveCache(app, script, cacheFile));
  }
  const module_ = { exports: {}, id: BUNDLE, filename: BUNDLE, loaded: false };
  script.runInThisContext().call(module_.exports, module_.exports, require, module_, BUNDLE, BUILD);
}

/**
 * The bundle's text. esbuild escapes every non-ASCII character (its default
 * charset), so the bytes are ASCII and read as latin1: the same string, made
 * without UTF-8 decoding (~15 ms of the ~16 ms reading it takes as UTF-8).
 */
function readSource(path) {
  const bytes = readFileSync(path);
  return require('node:buffer').isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** A short hash of a short string (FNV-1a, 32 bits), as 8 hex digits. */
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

function saveCache(app, script, cacheFile) {
  try {
    writeAtomic(cacheFile, script.createCachedData());
    const mine = relative(BUILD, cacheFile);
    const key = mine.split('.').slice(-2, -1)[0];
    for (const f of readdirSync(BUILD)) {
      const stale = f.startsWith(`${app}.js.`) && f !== mine && !f.includes(`.${key}.`) && (f.endsWith('.cache') || f.endsWith('.json'));
      if (stale) rmSync(join(BUILD, f), { force: true });
    }
  } catch {
    // A read-only build folder only costs speed.
  }
}

const args = process.argv.slice(2);
if (args[0] === '--build-only') {
  for (const app of Object.keys(APPS)) if (!bundleIsFresh(app)) bundle(app);
} else {
  const app = args[0] === '--app' ? args[1] : 'synth';
  if (!(app in APPS)) throw new Error(`launch.js: unknown app ${app} (${Object.keys(APPS).join(', ')})`);
  if (args[0] === '--app') process.argv.splice(2, 2);
  if (!bundleIsFresh(app)) bundle(app);
  run(app);
}
