/**
 * lib/core/bundle-cache.ts: what depends on the code alone is kept beside the
 * bundle (scripts/launch.js names the place). A synth that reads it writes the
 * same files as one that computes everything.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAll } from '../lib/synth/synth';
import { defaults, defaultValues } from '../lib/values/load';
import { ENVIRONMENTS } from '../lib/values/schema';
import { tempDir } from './support/values';

const prefix = join(tempDir('bundle-cache-'), 'synth.js.identity');
const withCache = <T>(fn: () => T): T => {
  process.env.PYNOMALY_BUNDLE_CACHE = prefix;
  try {
    return fn();
  } finally {
    delete process.env.PYNOMALY_BUNDLE_CACHE;
  }
};

test('a synth that fills the cache and one that reads it write what a synth without a cache writes', () => {
  const computed = [...renderAll({ envs: ENVIRONMENTS })];
  const filling = withCache(() => [...renderAll({ envs: ENVIRONMENTS })]);
  expect(existsSync(`${prefix}.top-files.json`)).toBe(true);
  const reading = withCache(() => [...renderAll({ envs: ENVIRONMENTS })]);
  expect(filling).toEqual(computed);
  expect(reading).toEqual(computed);
});

test('the cached files are read, not made again (a changed cache shows in the output)', () => {
  withCache(() => renderAll({ envs: ['dev'] }));
  const file = `${prefix}.top-files.json`;
  const cached = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  expect(Object.keys(cached).sort()).toEqual(['metrics.md', 'runbooks.md', 'values.schema.json', 'values.yaml']);
  writeFileSync(file, JSON.stringify({ ...cached, 'metrics.md': 'from the cache\n' }));
  try {
    expect(withCache(() => renderAll({ envs: ['dev'] })).get('metrics.md')).toBe('from the cache\n');
  } finally {
    writeFileSync(file, JSON.stringify(cached));
  }
});

test('the defaults tree every environment is merged onto is cached as the parsed defaults, as JSON', () => {
  jest.isolateModules(() => {
    // A fresh copy of the module: the one above already holds the defaults in memory.
    const load = require('../lib/values/load') as typeof import('../lib/values/load');
    withCache(() => load.defaultValues());
  });
  const file = `${prefix}.defaults.json`;
  expect(existsSync(file)).toBe(true);
  expect(JSON.parse(JSON.parse(readFileSync(file, 'utf8')) as string)).toEqual(JSON.parse(JSON.stringify(defaults())));
  expect(defaultValues()).toEqual(JSON.parse(JSON.stringify(defaults())));
});
