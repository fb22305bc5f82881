/**
 * Deterministic JSON for files people review in PR diffs: keys sorted at every
 * depth (so the output never depends on the order a builder set them in),
 * two-space indentation, a final newline.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2) + '\n';
}

/** A deep copy of `value` whose objects have their keys in code-point order; undefined members are dropped. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) out[key] = sortKeys(member);
  }
  return out;
}
