/** Runs the compiled CLI (`build/main.js`, built by `npm test`) as a user would. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './stack';
import type { RunResult } from './tools';

export const MAIN = join(ROOT, 'scripts', 'launch.js');

/** Exit code and output, as for the other tools. */
export type CliResult = RunResult;

export function runSynth(args: readonly string[], cwd = ROOT): CliResult {
  if (!existsSync(join(ROOT, 'build', 'synth.js'))) throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test does it)`);
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Synthesizes every environment into `out` as `npm run synth` would, and fails the caller unless it succeeds silently. */
export function synthInto(out: string): void {
  const r = runSynth(['--output', out]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}

/** Every file under `dir` with a hash of its bytes: compares two trees exactly. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}
