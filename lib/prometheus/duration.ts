/** Prometheus durations (`1h30m`, `15s`, `30d`) as milliseconds, to compare them. */

const UNIT_MS: Record<string, number> = {
  y: 365 * 24 * 3600 * 1000,
  w: 7 * 24 * 3600 * 1000,
  d: 24 * 3600 * 1000,
  h: 3600 * 1000,
  m: 60 * 1000,
  s: 1000,
  ms: 1,
};

/** Prometheus keeps durations as Go time.Duration (int64 nanoseconds, about 292 years) and sizes as int64 bytes. */
const INT64_MAX = (1n << 63n) - 1n;

/** Milliseconds of a Prometheus duration; throws on anything Prometheus would refuse. */
export function durationMs(text: string): number {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`not a Prometheus duration: ${JSON.stringify(text)}`);
  }
  // Prometheus wants the units largest first, each at most once (1h30m, not 30m1h).
  const sizes = parts.map((p) => UNIT_MS[p[2]]);
  if (sizes.some((size, i) => i > 0 && size >= sizes[i - 1])) throw new Error(`not a Prometheus duration: ${JSON.stringify(text)}`);
  // Out of range is an error in Prometheus ("duration out of range"), not a wrap-around.
  const nanoseconds = parts.reduce((sum, p) => sum + BigInt(p[1]) * BigInt(UNIT_MS[p[2]]) * 1_000_000n, 0n);
  if (nanoseconds > INT64_MAX) throw new Error(`duration out of range (at most about 292 years): ${JSON.stringify(text)}`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]], 0);
}

/** Whether Prometheus (and Alertmanager, which shares its parser) accepts `text` as a duration. */
export function isPrometheusDuration(text: string): boolean {
  try {
    durationMs(text);
    return true;
  } catch {
    return false;
  }
}

/** Prometheus sizes (`--storage.tsdb.retention.size`: `45GB`, base 2) are int64 bytes. */
const SIZE_UNITS: Record<string, bigint> = { B: 1n, KB: 1n << 10n, MB: 1n << 20n, GB: 1n << 30n, TB: 1n << 40n, PB: 1n << 50n, EB: 1n << 60n };

/** Why Prometheus would refuse `text` as a size in range, or undefined (the pattern checks the form). */
export function sizeRangeProblem(text: string): string | undefined {
  const m = /^([0-9]+)(B|KB|MB|GB|TB|PB|EB)$/.exec(text);
  if (!m || BigInt(m[1]) * SIZE_UNITS[m[2]] <= INT64_MAX) return undefined;
  return 'size out of range (at most 8EB)';
}
