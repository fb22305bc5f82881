#!/usr/bin/env node
// Runs the bundled synth app (build/synth.js) with a V8 code cache beside it:
// compiling the 2 MB bundle and its functions costs ~50 ms of every synth,
// more than rendering one environment. The cache is written after the first
// successful run and whenever V8 rejects it (another Node version, a rebuilt
// bundle); it only ever changes speed, never output.
'use strict';
const { readFileSync, writeFileSync, renameSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const vm = require('node:vm');

const bundle = join(__dirname, '..', 'build', 'synth.js');
const cacheFile = `${bundle}.${process.version}.cache`;
const source = readFileSync(bundle, 'utf8');
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
const module_ = { exports: {}, id: bundle, filename: bundle, loaded: false };
script.runInThisContext().call(module_.exports, module_.exports, require, module_, bundle, join(bundle, '..'));
if ((cachedData === undefined || script.cachedDataRejected) && process.exitCode === 0) {
  try {
    const tmp = `${cacheFile}.${process.pid}`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, cacheFile);
  } catch {
    // A read-only build folder only costs speed.
  }
}
