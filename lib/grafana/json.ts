/**
 * Deterministic JSON for files people review in PR diffs: keys sorted at every
 * depth (so the output never depends on the order a builder set them in),
 * two-space indentation, a final newline.
 *
 * Written directly, keys sorted as it goes: the same text as
 * `JSON.stringify` of a copy with sorted keys, indented by 2 (test/stable-json.test.ts
 * compares them)
 * without first copying every dashboard into a sorted tree.
 */
export function stableJson(value: unknown): string {
  return `${write(value, '')}\n`;
}

/** One value's JSON at this indentation; undefined where JSON.stringify leaves a member out. */
function write(value: unknown, indent: string): string | undefined {
  if (value === null) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value) as string | undefined;
  const inner = `${indent}  `;
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) parts.push(write(value[i], inner) ?? 'null');
    return parts.length ? `[\n${inner}${parts.join(`,\n${inner}`)}\n${indent}]` : '[]';
  }
  for (const key of sortedKeys(value)) {
    const member = write((value as Record<string, unknown>)[key], inner);
    if (member !== undefined) parts.push(`${JSON.stringify(key)}: ${member}`);
  }
  return parts.length ? `{\n${inner}${parts.join(`,\n${inner}`)}\n${indent}}` : '{}';
}

/**
 * Code-point order, except that integer keys come first in numeric order:
 * JavaScript objects order their own keys that way whatever the insertion
 * order, so that is the order JSON.stringify writes a sorted copy in.
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value).sort();
  const integers = keys.filter(isArrayIndex);
  if (integers.length === 0) return keys;
  return [...integers.sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isArrayIndex(k))];
}

function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}
