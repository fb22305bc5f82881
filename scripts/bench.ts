/**
 * `npm run bench`: how fast the synth is, measured against the real peer in
 * the same run. Each round runs, in rotating order:
 *   - the README's synth command (`npm run synth`, all environments),
 *   - the synth proper (package.json's synth script without npm, as `cdk8s
 *     synth` runs it: bundle check, then the app),
 *   - the floor: a Node process that only loads cdk8s and cdk8s-plus-27,
 *   - the peer: `helm template` of kube-prometheus-stack 88.5.3, one release
 *     (../shared/bench/, or BENCH_PEER_CHART); skipped, and said so, if absent.
 * It prints the medians and two ratios with their goals: the README's command
 * within 2x the peer's helm template, the synth proper within 2x the floor.
 * Nothing is compared with a constant; the exit code is 0 unless a command fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const PEER_CHART = process.env.BENCH_PEER_CHART ?? join(ROOT, '..', 'shared', 'bench', 'kube-prometheus-stack-88.5.3.tgz');
const HELM = join(ROOT, '.tools', 'bin', 'helm');

interface Subject {
  readonly key: 'readme' | 'proper' | 'floor' | 'peer';
  readonly label: string;
  readonly cmd: string;
  readonly args: readonly string[];
}

function timeOnce(s: Subject): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(s.cmd, s.args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, INIT_CWD: ROOT } });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${s.label} failed: ${r.stderr}`);
  return seconds;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (s: number): string => `${s.toFixed(3)} s`;

/** What `npm run synth` runs, without npm: package.json's own script (one source of truth). */
const synthScript = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.synth;

function main(): void {
  const out = mkdtempSync(join(tmpdir(), 'bench-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const subjects: Subject[] = [
      { key: 'readme', label: 'npm run synth (README command, 3 environments)', cmd: npm, args: ['run', '-s', 'synth', '--', '--output', join(out, 'readme')] },
      { key: 'proper', label: `synth proper: ${synthScript} (3 environments)`, cmd: 'sh', args: ['-c', `${synthScript} --output "$0"`, join(out, 'proper')] },
      { key: 'floor', label: "floor: node -e \"require('cdk8s');require('cdk8s-plus-27')\"", cmd: process.execPath, args: ['-e', "require('cdk8s');require('cdk8s-plus-27')"] },
    ];
    const havePeer = existsSync(PEER_CHART) && existsSync(HELM);
    if (havePeer) subjects.push({ key: 'peer', label: 'peer: helm template kube-prometheus-stack 88.5.3', cmd: HELM, args: ['template', 'kps', PEER_CHART, '-n', 'monitoring'] });
    for (const s of subjects) timeOnce(s); // warm the file cache and the bundle
    const times = new Map<Subject['key'], number[]>(subjects.map((s) => [s.key, []]));
    for (let round = 0; round < RUNS; round++) {
      // Interleaved, in a rotating order, so drift on a shared machine hits every subject alike.
      for (let i = 0; i < subjects.length; i++) {
        const s = subjects[(round + i) % subjects.length];
        times.get(s.key)!.push(timeOnce(s));
      }
    }
    const med = (k: Subject['key']): number => median(times.get(k)!);
    const width = Math.max(...subjects.map((s) => s.label.length));
    process.stdout.write(`median of ${RUNS} interleaved rounds (node ${process.version}, ${cpus().length} cores)\n`);
    for (const s of subjects) process.stdout.write(`${s.label.padEnd(width)}  ${fmt(med(s.key)).padStart(9)}\n`);
    if (!havePeer) process.stdout.write(`peer: SKIPPED (${existsSync(HELM) ? `no ${PEER_CHART}` : 'no .tools/bin/helm: node scripts/install-tools.js'}; set BENCH_PEER_CHART)\n`);
    process.stdout.write('\n');
    const ratio = (label: string, a: number, b: number, goal: number): void => {
      const r = a / b;
      process.stdout.write(`${label.padEnd(width)}  ${r.toFixed(2).padStart(7)}x  goal <= ${goal}x: ${r <= goal ? 'met' : 'NOT met'}\n`);
    };
    if (havePeer) ratio('README synth command / peer helm template', med('readme'), med('peer'), 2);
    ratio('synth proper / floor', med('proper'), med('floor'), 2);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

main();
