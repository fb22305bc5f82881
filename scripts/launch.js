#!/usr/bin/env node
// Runs the synth app, as `npm run synth` and `cdk8s synth` do (no type check:
// that is `npm run typecheck`, part of `npm test`).
//
// main.ts is bundled by esbuild into build/synth.js whenever any file the last
// bundle was made from changed: build/synth.inputs.json records each input's
// inode, size, mtime and ctime (ctime cannot be set back by any tool, so an edit
// that keeps the length and the mtime is still seen). The bundle then runs with
// a V8 code cache that is keyed the same way by the bundle's own identity: a
// cache made for another bundle is never used.
//
// `node scripts/launch.js --build-only` only brings the bundle up to date.
'use strict';
const { readFileSync, writeFileSync, renameSync, statSync, readdirSync, rmSync, mkdirSync } = require('node:fs');
const { join, relative } = require('node:path');
const Module = require('node:module');
const vm = require('node:vm');

const ROOT = join(__dirname, '..');
const BUILD = join(ROOT, 'build');
const BUNDLE = join(BUILD, 'synth.js');
const INPUTS = join(BUILD, 'synth.inputs.json');
/** Files that change the bundle without being bundled: build settings. */
const SETTINGS = ['scripts/launch.js', 'tsconfig.json', 'package.json', 'package-lock.json'];

/** What identifies one version of a file's content. */
function identity(path) {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return 'missing';
  }
}

function bundleIsFresh() {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(INPUTS, 'utf8'));
  } catch {
    return false;
  }
  if (recorded.bundle !== identity(BUNDLE)) return false;
  for (const [file, id] of Object.entries(recorded.inputs)) if (identity(join(ROOT, file)) !== id) return false;
  return true;
}

function bundle() {
  const esbuild = require('esbuild');
  mkdirSync(BUILD, { recursive: true });
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  const result = esbuild.buildSync({
    absWorkingDir: ROOT,
    entryPoints: ['main.ts'],
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
  });
  renameSync(tmp, BUNDLE);
  const files = [...new Set([...SETTINGS, ...Object.keys(result.metafile.inputs)])].sort();
  const inputs = Object.fromEntries(files.map((f) => [f, identity(join(ROOT, f))]));
  writeAtomic(INPUTS, JSON.stringify({ bundle: identity(BUNDLE), inputs }));
}

function writeAtomic(path, content) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/** Runs the bundle as a CommonJS module, compiled from the code cache when one matches it. */
function run() {
  const source = readFileSync(BUNDLE, 'utf8');
  const key = identity(BUNDLE).replace(/:/g, '-');
  const cacheFile = `${BUNDLE}.${process.version}.${process.arch}.${key}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: BUNDLE, cachedData });
  const module_ = { exports: {}, id: BUNDLE, filename: BUNDLE, loaded: false };
  script.runInThisContext().call(module_.exports, module_.exports, require, module_, BUNDLE, BUILD);
  if ((cachedData === undefined || script.cachedDataRejected) && process.exitCode === 0) saveCache(script, cacheFile);
}

function saveCache(script, cacheFile) {
  try {
    writeAtomic(cacheFile, script.createCachedData());
    const mine = relative(BUILD, cacheFile);
    for (const f of readdirSync(BUILD)) if (f.startsWith('synth.js.') && f.endsWith('.cache') && f !== mine) rmSync(join(BUILD, f), { force: true });
  } catch {
    // A read-only build folder only costs speed.
  }
}

if (!bundleIsFresh()) bundle();
if (process.argv[2] === '--build-only') process.exitCode = 0;
else run();
