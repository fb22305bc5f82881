/**
 * `npm run diff`: the committed output against a fresh synth in memory, as a
 * reviewer or a CI gate uses it. Exit 0 when equal, 1 when not; the summary
 * names each object and the fields that changed; nothing is written.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { changedPaths } from '../lib/review/diff';
import { MAIN, synthInto, treeDigest } from './support/cli';
import { ROOT } from './support/stack';
import { tempDir } from './support/values';

const out = join(tempDir('diff-test-'), 'dist');
beforeAll(() => synthInto(out));

function diff(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, 'diff', '--output', out, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, INIT_CWD: ROOT } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('no change: exit 0', () => {
  const r = diff();
  expect(r).toEqual({ status: 0, stdout: expect.stringMatching(/^no changes: .* is what a synth writes\n$/), stderr: '' });
});

test('a changed value: exit 1, the object and field, and the unified diff of each file; nothing written', () => {
  const before = treeDigest(out);
  const r = diff('--env', 'prod', '--set', 'prometheus.retention=7d');
  expect(r.status).toBe(1);
  expect(r.stdout).toContain('objects: 0 added, 0 removed, 1 changed');
  expect(r.stdout).toMatch(/~ StatefulSet pynomaly-monitoring-prod\/prometheus \(prod\/prometheus\.yaml\)\n\s+spec\.template\.spec\.containers\[0\]\.args\[2\]\n/);
  expect(r.stdout).toMatch(/-\s+- --storage\.tsdb\.retention\.time=30d\n\+\s+- --storage\.tsdb\.retention\.time=7d\n/);
  expect(r.stdout).toContain('/prod/prometheus.yaml');
  expect(r.stdout).not.toContain('/dev/');
  expect(treeDigest(out)).toEqual(before);
});

test('removed objects are listed as removed', () => {
  const r = diff('--env', 'prod', '--set', 'prometheus.serviceMonitors.enabled=false');
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/- ServiceMonitor pynomaly-monitoring-prod\/\S+ \(prod\/prometheus-operator\/servicemonitors\.yaml\)/);
  expect(r.stdout).toMatch(/removed .*\/prod\/prometheus-operator\/servicemonitors\.yaml/);
});

test('bad input: exit 2 with one clear line', () => {
  const r = diff('--set', 'prometheus.retention=banana');
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^error: --set prometheus\.retention=banana: prometheus\.retention: expected a Prometheus duration/);
});

test('changed field paths reach the leaves, with list indexes and quoted keys', () => {
  const a = { metadata: { annotations: { 'checksum/config': 'x' } }, spec: { args: ['a', 'b'] } };
  const b = { metadata: { annotations: { 'checksum/config': 'y' } }, spec: { args: ['a', 'c', 'd'] } };
  expect(changedPaths(a, b, '')).toEqual(['metadata.annotations["checksum/config"]', 'spec.args[1]', 'spec.args[2]']);
  expect(changedPaths(a, a, '')).toEqual([]);
});
