/**
 * `PYNOMALY_SYNTH_TIMINGS=1 npm run synth` prints where a synth spends its
 * time (to stderr, milliseconds per phase, summed over environments): the
 * first thing to read before optimizing it.
 */
const enabled = (): boolean => process.env.PYNOMALY_SYNTH_TIMINGS === '1';
const spent = new Map<string, number>();

/** Runs `fn`, adding its duration to `phase` when timings are on. */
export function timed<T>(phase: string, fn: () => T): T {
  if (!enabled()) return fn();
  const start = performance.now();
  try {
    return fn();
  } finally {
    spent.set(phase, (spent.get(phase) ?? 0) + performance.now() - start);
  }
}

let mainStartedAt: number | undefined;

/** Called as the CLI starts: what came before is Node's start and the loading of our modules. */
export function markMainStart(): void {
  // Only when asked: the first use of `performance` loads perf_hooks and its modules.
  if (enabled()) mainStartedAt = performance.now();
}

/** The phases and the process's age when called (so module loading shows too). */
export function printTimings(): void {
  if (!enabled()) return;
  const lines = [...spent].map(([phase, ms]) => `${phase.padEnd(28)} ${ms.toFixed(1).padStart(7)} ms`);
  if (mainStartedAt !== undefined) lines.unshift(`${'start and module load'.padEnd(28)} ${mainStartedAt.toFixed(1).padStart(7)} ms`);
  lines.push(`${'process age at the end'.padEnd(28)} ${performance.now().toFixed(1).padStart(7)} ms`);
  process.stderr.write(lines.join('\n') + '\n');
}
