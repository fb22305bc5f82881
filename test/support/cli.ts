/** Runs the compiled CLI (`build/main.js`, built by `npm test`) as a user would. */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './stack';
import type { RunResult } from './tools';

export const MAIN = join(ROOT, 'scripts', 'launch.js');

/** Exit code and output, as for the other tools, and the signal that ended it, if one did. */
export type CliResult = RunResult & { readonly signal?: NodeJS.Signals | null };

export function runSynth(args: readonly string[], cwd = ROOT, env: Readonly<Record<string, string>> = {}): CliResult {
  if (!existsSync(join(ROOT, 'build', 'synth.js'))) throw new Error(`build/synth.js is missing: run \`npm run build\` (npm test does it)`);
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, INIT_CWD: cwd, ...env } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/** Starts a synth without waiting for it (for overlapping runs). */
export function startSynth(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, INIT_CWD: ROOT, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status, signal) => done({ status: status ?? -1, stdout, stderr, signal }));
  });
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
