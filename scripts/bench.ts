/**
 * `npm run bench`: wall time of a full synth (every environment) and of one
 * environment, each the median of several runs, next to the floor measured in
 * the same run: a Node process that only loads cdk8s and cdk8s-plus-27.
 * Targets: full synth within 4x the floor; each environment (full / 3) faster
 * than `helm template` of kube-prometheus-stack (about 0.15 s on this
 * machine). A one-environment process is shown too: it pays the whole Node and
 * cdk8s start-up (the floor) for a single environment.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'scripts', 'launch.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const HELM_KPS_REFERENCE_S = 0.15;

function timeOnce(cmd: string, args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return seconds;
}

function median(cmd: string, args: readonly string[]): number {
  timeOnce(cmd, args); // warm the file cache
  const times = Array.from({ length: RUNS }, () => timeOnce(cmd, args)).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const fmt = (s: number): string => `${s.toFixed(3)} s`;

function main(): void {
  if (!existsSync(MAIN)) throw new Error('build/synth.js missing: npm run build');
  const out = mkdtempSync(join(tmpdir(), 'bench-'));
  try {
    const floor = median(process.execPath, ['-e', "require('cdk8s');require('cdk8s-plus-27')"]);
    const full = median(process.execPath, [MAIN, '--output', join(out, 'all')]);
    const perEnv = ['dev', 'staging', 'prod'].map((env) => ({ env, t: median(process.execPath, [MAIN, '--env', env, '--output', join(out, env)]) }));
    const amortized = full / 3;
    const rows: [string, string, string][] = [
      ['floor: node -e "require(\'cdk8s\');require(\'cdk8s-plus-27\')"', fmt(floor), ''],
      ['full synth, 3 environments', fmt(full), `${(full / floor).toFixed(2)}x floor (target <= 4x): ${full <= 4 * floor ? 'OK' : 'OVER'}`],
      [
        'per environment within the full synth (full / 3)',
        fmt(amortized),
        `vs helm template kube-prometheus-stack ~${HELM_KPS_REFERENCE_S} s: ${amortized < HELM_KPS_REFERENCE_S ? 'faster' : 'SLOWER'}`,
      ],
      ...perEnv.map(({ env, t }): [string, string, string] => [
        `one process: synth --env ${env}`,
        fmt(t),
        `${fmt(Math.max(0, t - floor))} above the floor`,
      ]),
    ];
    const width = Math.max(...rows.map((r) => r[0].length));
    process.stdout.write(`median of ${RUNS} runs each (node ${process.version}, ${require('node:os').cpus().length} cores)\n`);
    for (const [what, t, note] of rows) process.stdout.write(`${what.padEnd(width)}  ${t.padStart(8)}  ${note}\n`);
    process.exitCode = full <= 4 * floor && amortized < HELM_KPS_REFERENCE_S ? 0 : 1;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

main();
