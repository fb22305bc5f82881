/**
 * Helm-style values: defaults < values/<env>.yaml < --values FILE < --set, typed
 * --set parsing, and bad input that fails with one clear message naming the
 * source and the key path.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadValues, mergeValues, resolveValues } from '../lib/values/load';
import { valuesSchema } from '../lib/values/schema';
import { parseSet } from '../lib/values/set';
import { errorOf, tempDir } from './support/values';

const tmp = tempDir('values-test-');
const valuesDir = join(tmp, 'values');
mkdirSync(valuesDir);
writeFileSync(join(valuesDir, 'prod.yaml'), 'namespace: monitoring-prod\nprometheus:\n  retention: 60d\n  replicas: 2\n');
const overrideFile = join(tmp, 'override.yaml');
writeFileSync(overrideFile, 'prometheus:\n  retention: 90d\n');

describe('defaults', () => {
  const defaults = valuesSchema.parse({});
  test('the acceptance keys have their documented defaults', () => {
    expect(defaults.namespace).toBe('monitoring');
    expect(defaults.prometheus.retention).toBe('30d');
    expect(defaults.prometheus.replicas).toBe(1);
  });
  test('every component has an enabled switch', () => {
    const components = Object.entries(defaults).filter(([, v]) => typeof v === 'object' && v !== null && 'image' in v);
    expect(components.length).toBeGreaterThan(0);
    for (const [name, v] of components) expect([name, typeof (v as { enabled?: unknown }).enabled]).toEqual([name, 'boolean']);
  });
});

describe('layering', () => {
  test('env file < --values < --set, maps merged key by key', () => {
    const v = loadValues({ env: 'prod', valuesDir, valuesFiles: [overrideFile], sets: ['prometheus.retention=15d'] });
    expect(v.prometheus.retention).toBe('15d');
    expect(v.prometheus.replicas).toBe(2); // from the env file, untouched by later layers
    expect(v.namespace).toBe('monitoring-prod');
    expect(loadValues({ env: 'prod', valuesDir, valuesFiles: [overrideFile] }).prometheus.retention).toBe('90d');
    expect(loadValues({ env: 'prod', valuesDir }).prometheus.retention).toBe('60d');
  });
  test('later --set wins over earlier --set; null restores the default', () => {
    expect(loadValues({ env: 'prod', valuesDir, sets: ['prometheus.replicas=3', 'prometheus.replicas=4'] }).prometheus.replicas).toBe(4);
    expect(loadValues({ env: 'prod', valuesDir, sets: ['prometheus.retention=null'] }).prometheus.retention).toBe('30d');
  });
  test('a map with defaults is merged with what a user sets, and null removes a default entry', () => {
    const merged = loadValues({ env: 'prod', valuesDir, sets: ['prometheus.pynomaly.selector.tier=api'] }).prometheus.pynomaly.selector;
    expect(merged).toEqual({ 'app.kubernetes.io/name': 'pynomaly-api', tier: 'api' });
    const removed = loadValues({ env: 'prod', valuesDir, sets: ['prometheus.pynomaly.selector.tier=api', 'prometheus.pynomaly.selector.app\\.kubernetes\\.io/name=null'] });
    expect(removed.prometheus.pynomaly.selector).toEqual({ tier: 'api' });
  });
  test('lists replace rather than merge, as in Helm', () => {
    expect(mergeValues({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { d: 5 } })).toEqual({ a: [3], b: { c: 1, d: 5 } });
  });
});

describe('--set parsing (Helm rules)', () => {
  test.each([
    ['a.b=c', { a: { b: 'c' } }],
    ['a=1', { a: 1 }],
    ['a=-1', { a: -1 }],
    ['a=01', { a: '01' }],
    ['a=1.5', { a: '1.5' }],
    ['a=true,b=false', { a: true, b: false }],
    ['a=null', { a: null }],
    ['a={x,y}', { a: ['x', 'y'] }],
    ['a[1]=x', { a: [undefined, 'x'] }],
    ['a[0].b=x', { a: [{ b: 'x' }] }],
    ['a=x\\,y', { a: 'x,y' }],
    ['a\\.b=c', { 'a.b': 'c' }],
    ['a=b=c', { a: 'b=c' }],
  ])('%s', (arg, expected) => {
    expect(parseSet(arg, '--set')).toEqual(expected);
  });
  test('malformed assignments are errors naming the argument', () => {
    expect(errorOf(() => parseSet('novalue', '--set novalue'))).toBe('--set novalue: expected key=value, got "novalue"');
    expect(errorOf(() => parseSet('=x', '--set =x'))).toContain('--set =x');
  });
});

describe('bad input names the source and the key path', () => {
  test('an invalid duration', () => {
    const msg = errorOf(() => loadValues({ env: 'prod', valuesDir, sets: ['prometheus.retention=banana'] }));
    expect(msg).toBe('--set prometheus.retention=banana: prometheus.retention: expected a Prometheus duration such as 30d, 12h or 90s, got "banana"');
  });
  test('replicas below 1', () => {
    const msg = errorOf(() => loadValues({ env: 'prod', valuesDir, sets: ['prometheus.replicas=-1'] }));
    expect(msg).toBe('--set prometheus.replicas=-1: prometheus.replicas: expected an integer >= 1, got -1');
  });
  test('a string where an integer is expected', () => {
    const msg = errorOf(() => loadValues({ env: 'prod', valuesDir, sets: ['prometheus.replicas=two'] }));
    expect(msg).toMatch(/^--set prometheus\.replicas=two: prometheus\.replicas: .*expected (int|number).*, got "two"$/);
  });
  test('an unknown key suggests the closest one', () => {
    const msg = errorOf(() => loadValues({ env: 'prod', valuesDir, sets: ['prometheus.retnetion=15d'] }));
    expect(msg).toBe('--set prometheus.retnetion=15d: prometheus.retnetion: unknown key (did you mean prometheus.retention?)');
  });
  test('an unknown key in a values file names the file', () => {
    const bad = join(tmp, 'unknown.yaml');
    writeFileSync(bad, 'promethues:\n  retention: 1d\n');
    const msg = errorOf(() => loadValues({ env: 'prod', valuesDir, valuesFiles: [bad] }));
    expect(msg).toBe(`--values ${bad}: promethues: unknown key (did you mean prometheus?)`);
  });
  test('an invalid value in the environment file names that file', () => {
    const dir = join(tmp, 'bad-env');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'dev.yaml'), 'prometheus:\n  replicas: 0\n');
    expect(errorOf(() => loadValues({ env: 'dev', valuesDir: dir }))).toMatch(/dev\.yaml: prometheus\.replicas: expected an integer >= 1, got 0$/);
  });
  test('malformed YAML names the file, line and column', () => {
    const bad = join(tmp, 'malformed.yaml');
    writeFileSync(bad, 'prometheus:\n  retention: [30d\n');
    expect(errorOf(() => loadValues({ env: 'prod', valuesDir, valuesFiles: [bad] }))).toMatch(new RegExp(`^--values ${bad}:\\d+:\\d+: malformed YAML: `));
  });
  test('a values file that is not a map', () => {
    const bad = join(tmp, 'list.yaml');
    writeFileSync(bad, '- a\n- b\n');
    expect(errorOf(() => loadValues({ env: 'prod', valuesDir, valuesFiles: [bad] }))).toBe(`--values ${bad}: expected a map of values at the top level, got a list`);
  });
  test('a missing values file', () => {
    expect(errorOf(() => loadValues({ env: 'prod', valuesDir, valuesFiles: ['/nonexistent/my.yaml'] }))).toBe('--values /nonexistent/my.yaml: file not found');
  });
  test('several problems are all reported', () => {
    const msg = errorOf(() => resolveValues([{ source: 'x.yaml', data: { prometheus: { replicas: 0, retention: 'x' } } }]));
    expect(msg.split('\n')).toHaveLength(2);
  });
});
