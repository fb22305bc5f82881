/**
 * pynomaly-monitoring: synthesizes the Pynomaly monitoring stack into
 * dist/<env>/ (plain YAML + Kustomization) and dist/helm/<env>/ (a Helm chart).
 * See lib/cli.ts for the arguments. `npm run build` bundles this file into
 * build/synth.js, which `npm run synth` and `cdk8s synth` run.
 */
import './lib/zod-setup'; // first: zod reads its settings as each schema is built
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from './lib/cli';

// `npm run` starts scripts in the package folder; paths a user gives
// (--values FILE, --output DIR) are meant relative to where they typed it.
const invokedFrom = process.env.INIT_CWD;
if (invokedFrom) process.chdir(invokedFrom);

process.exitCode = main(process.argv.slice(2));

// `cdk8s synth` empties its output folder before running us and then expects
// it to exist. We never let it point at dist/ (an empty dist/ after a failed
// synth is exactly what we promise not to leave), so its folder is a scratch
// one (cdk8s.yaml) that only gets a pointer to the real output.
const cdk8sOutdir = process.env.CDK8S_OUTDIR;
if (cdk8sOutdir && process.exitCode === 0) {
  mkdirSync(cdk8sOutdir, { recursive: true });
  writeFileSync(join(cdk8sOutdir, 'where-is-the-output.yaml'), '# pynomaly-monitoring wrote dist/<env>/ and dist/helm/<env>/ (see README.md).\n');
}

// Everything is done and written: exit now rather than let Node tear down a
// heap of ~100 MB object by object (tens of milliseconds nobody needs).
process.exit();
