/**
 * stableJson writes sorted-key JSON directly: it must be exactly what
 * JSON.stringify makes of a copy with sorted keys (the reference below).
 */
import { stableJson } from '../lib/grafana/json';
import { ENVIRONMENTS, envObjects } from './support/stack';

/** The reference: a deep copy whose objects have their keys in code-point order, undefined members dropped. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) out[key] = sortKeys(member);
  }
  return out;
}
const reference = (value: unknown): string => `${JSON.stringify(sortKeys(value), null, 2)}\n`;

test('the edge cases of JSON.stringify: undefined, functions, symbols, holes, non-finite numbers, -0, empty containers, Dates, boxed values, odd keys', () => {
  // eslint-disable-next-line no-sparse-arrays
  const holes = [1, , 3];
  const cases: unknown[] = [
    { b: 1, a: { d: [1, 'x', true, null], c: {} }, e: [], f: undefined, g: () => 1, h: Symbol('s') },
    [undefined, () => 1, Symbol('s'), NaN, Infinity, -0, 1e21, 5e-7, holes],
    { 'é': 1, '10': 2, '9': 3, '4294967295': 5, '4294967294': 6, '01': 7, '-1': 8, 'a"b': 4, 'line\nbreak': 'tab\there', '\u2028': '\u0000' },
    { date: new Date(0), boxed: new String('ab'), n: new Number(3), nested: [[[]], [{}], { x: [{ y: {} }] }] },
    'just a string',
    42,
    null,
    [],
    {},
  ];
  for (const c of cases) expect(stableJson(c)).toBe(reference(c));
  expect(stableJson(undefined)).toBe(reference(undefined));
  expect(() => stableJson({ big: BigInt(1) })).toThrow(TypeError);
});

test('random trees', () => {
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const leaf = (): unknown => [null, undefined, true, false, random() * 1e6, -random(), 'text "quoted" \\ ünï', ''][Math.floor(random() * 8)];
  const tree = (depth: number): unknown => {
    if (depth === 0 || random() < 0.3) return leaf();
    if (random() < 0.4) return Array.from({ length: Math.floor(random() * 4) }, () => tree(depth - 1));
    return Object.fromEntries(Array.from({ length: Math.floor(random() * 5) }, () => [`k${Math.floor(random() * 20)}`, tree(depth - 1)]));
  };
  for (let i = 0; i < 300; i++) {
    const t = tree(5);
    expect(stableJson(t)).toBe(reference(t));
  }
});

test('every dashboard of every environment reads back to the same tree and is written the same way', () => {
  const dashboards = ENVIRONMENTS.flatMap((env) => envObjects(env))
    .filter((o) => o.kind === 'ConfigMap')
    .flatMap((o) => Object.entries((o as unknown as { data?: Record<string, string> }).data ?? {}))
    .filter(([key, text]) => key.endsWith('.json') && 'panels' in (JSON.parse(text) as object));
  expect(dashboards.length).toBeGreaterThanOrEqual(15);
  for (const [, text] of dashboards) expect(stableJson(JSON.parse(text))).toBe(text);
});
