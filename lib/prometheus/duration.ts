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
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]], 0);
}
