/**
 * lib/synth/yaml.ts writes the documents itself for speed: it must write the
 * same bytes as js-yaml's dump with our options, on what the synth renders and
 * on whatever YAML finds awkward.
 */
import * as yaml from 'js-yaml';
import { fastYaml, toYaml } from '../lib/synth/yaml';
import { ENVIRONMENTS, synthFiles } from './support/stack';

const OPTIONS: yaml.DumpOptions = { noRefs: true, lineWidth: -1, quoteStyle: 'double' };
const jsYaml = (doc: unknown): string => yaml.dump(doc, OPTIONS);

describe('the YAML writer', () => {
  it('writes every object the synth renders as js-yaml does, without falling back to it', () => {
    let objects = 0;
    for (const [path, content] of synthFiles({ envs: ENVIRONMENTS })) {
      if (!path.endsWith('.yaml') || content.includes('{{')) continue; // Helm templates are text
      for (const doc of yaml.loadAll(content)) {
        if (doc === null || typeof doc !== 'object') continue;
        objects++;
        expect({ path, yaml: fastYaml(doc) }).toEqual({ path, yaml: jsYaml(doc) });
      }
    }
    expect(objects).toBeGreaterThan(250);
  });

  // Characters and words YAML gives a meaning: indicators, comments, document
  // markers, YAML 1.1 booleans and nulls, numbers, dates, escapes, Unicode.
  const PIECES = [
    'a', 'Z', '0', '1', '9', '.', '-', '_', '/', ' ', '  ', ':', ': ', ' #', '#', '?', ',', '[', ']', '{', '}',
    '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', '\\', '\n', '\n\n', '\t', '\r', '=', '<<', '~', '---',
    '...', 'yes', 'No', 'on', 'OFF', 'y', 'null', 'Null', 'true', 'False', '.inf', '.NaN', '0x1F', '0o17',
    '1_000', '1:30', '1e3', '2024-01-02', '2024-01-02T03:04:05Z', '+1', '-.5', 'é', '…', '\u00a0', '\u2028',
    '\ufeff', '\u0085', '\u0007', '😀', '$', '(', ')', '+', '<', '^', ';', 'a=b', ':x', 'x:', '{{ .Values.x }}', 'sum(rate(x[5m])) > 0.5', 'http://a:80/b?c=d#e',
  ];

  /** A deterministic generator (mulberry32), so a failure reproduces. */
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function randomDoc(next: () => number, depth: number): unknown {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
    const str = (): string => Array.from({ length: Math.floor(next() * 4) }, () => pick(PIECES)).join('');
    const scalar = (): unknown => pick([str, str, str, () => pick([0, 1, -3, 0.5, 1e21, 1e-7, -0, 12345678901234, 0.1 + 0.2]), () => next() < 0.5, () => null])();
    if (depth === 0 || next() < 0.3) return scalar();
    if (next() < 0.4) return Array.from({ length: Math.floor(next() * 4) }, () => randomDoc(next, depth - 1));
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [str(), randomDoc(next, depth - 1)]));
  }

  it('writes random documents of awkward strings as js-yaml does (or leaves them to it)', () => {
    const next = random(20261203);
    let fast = 0;
    for (let i = 0; i < 3000; i++) {
      const doc = { root: randomDoc(next, 4), list: [randomDoc(next, 3), randomDoc(next, 3)] };
      const mine = fastYaml(doc);
      if (mine !== undefined) fast++;
      expect({ doc, yaml: toYaml(doc) }).toEqual({ doc, yaml: jsYaml(doc) });
    }
    // Most documents are written without js-yaml, so the comparison above tests the fast writer.
    expect(fast).toBeGreaterThan(1500);
  });

  it('leaves to js-yaml what only it can tell: other types and explicit keys', () => {
    expect(fastYaml({ when: new Date(0) })).toBeUndefined();
    expect(fastYaml({ 'two\nlines': 1 })).toBeUndefined();
    expect(fastYaml({ kept: 'a\n\n' })).toBeUndefined();
    expect(fastYaml('scalar')).toBeUndefined();
    expect(toYaml({ when: new Date(0), kept: 'a\n\n' })).toBe(jsYaml({ when: new Date(0), kept: 'a\n\n' }));
  });
});
