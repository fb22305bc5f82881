/**
 * The keystore init containers' scripts (lib/logs/keystore.ts), run by bash
 * against stand-ins of the three tools that record their arguments and what
 * they read on stdin: each value reaches the tool from a pipe or a file (never
 * an argument), Kibana gets a JSON string that parses back to the Secret's
 * value, Logstash gets `y` for its password question and a fresh keystore, and
 * a bad value stops the script before the tool sees it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEYSTORE_SECRETS_DIR, keystoreFile, keystoreScript, KeystoreTool } from '../lib/logs/keystore';
import { tempDir } from './support/values';

/** A stand-in `bin/<tool>-keystore`: `create` makes the file (recording stdin), `add` records its arguments and stdin. */
function fakeHome(tool: KeystoreTool): { home: string; secrets: string; calls: () => string[] } {
  const home = tempDir(`keystore-${tool}-`);
  const secrets = join(home, 'secrets');
  for (const d of ['bin', 'config', 'secrets', 'out']) mkdirSync(join(home, d));
  const bin = join(home, 'bin', `${tool}-keystore`);
  writeFileSync(
    bin,
    [
      '#!/bin/bash',
      `echo "$*" >> ${home}/out/calls`,
      `case "$*" in create*) [ -t 0 ] || cat > ${home}/out/create-stdin; touch config/${keystoreFile(tool)} ;; *add*) n=$(ls ${home}/out | wc -l); cat > ${home}/out/value-$n; echo "value-$n $*" >> ${home}/out/values ;; esac`,
      '',
    ].join('\n'),
  );
  chmodSync(bin, 0o755);
  return { home, secrets, calls: () => readFileSync(join(home, 'out', 'calls'), 'utf8').trim().split('\n') };
}

function run(tool: KeystoreTool, files: Record<string, string>, settings: Record<string, string>, existing = false) {
  const h = fakeHome(tool);
  if (existing) writeFileSync(join(h.home, 'config', keystoreFile(tool)), 'old');
  for (const [f, v] of Object.entries(files)) writeFileSync(join(h.secrets, f), v);
  const script = keystoreScript(
    tool,
    h.home,
    Object.entries(settings).map(([file, setting]) => ({ setting, file })),
  ).replaceAll(KEYSTORE_SECRETS_DIR, h.secrets);
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const valuesLog = join(h.home, 'out', 'values');
  const values = existsSync(valuesLog)
    ? Object.fromEntries(readFileSync(valuesLog, 'utf8').trim().split('\n').map((l) => [l.split(' ')[2], readFileSync(join(h.home, 'out', l.split(' ')[0]), 'utf8')]))
    : {};
  return { status: r.status, stderr: r.stderr, values, calls: existsSync(join(h.home, 'out', 'calls')) ? h.calls() : [], home: h.home };
}

test('bash is there', () => {
  expect(execFileSync('bash', ['--version'], { encoding: 'utf8' })).toMatch(/GNU bash/);
});

describe('kibana-keystore', () => {
  const tricky = { digits: '12345678901234567890', quote: 'a"b\\c', json: '{"x":1}', spaces: ' p w ', newline: 'secret\n' };
  test('every value arrives as a JSON string that parses back to the value (trailing newline dropped, as the bootstrap reads it)', () => {
    const r = run('kibana', tricky, Object.fromEntries(Object.keys(tricky).map((k) => [k, `setting.${k}`])));
    expect(r.status).toBe(0);
    expect(r.calls[0]).toBe('create');
    for (const [k, v] of Object.entries(tricky)) {
      const sent = r.values[`setting.${k}`];
      expect([k, JSON.parse(sent)]).toEqual([k, v.replace(/\n+$/, '')]);
      expect(typeof JSON.parse(sent)).toBe('string');
    }
    // The values are never arguments.
    expect(r.calls.join('\n')).not.toMatch(/12345678901234567890|a"b/);
    expect(r.calls.slice(1).every((c) => / --stdin --force$/.test(c))).toBe(true);
  });

  test('an existing keystore is kept (create would ask before overwriting it), its entry overwritten', () => {
    expect(run('kibana', { a: 'x' }, { a: 'a.b' }, true).calls).toEqual(['add a.b --stdin --force']);
  });

  test.each([
    ['empty', ''],
    ['a tab', 'a\tb'],
  ])('a value that is %s stops the script before the tool reads it', (_what, value) => {
    const r = run('kibana', { bad: value }, { bad: 'elasticsearch.password' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/empty, or with control characters/);
    expect(r.values).toEqual({});
  });
});

describe('logstash-keystore', () => {
  test('a fresh keystore (the question about a keystore password answered y), then each key from stdin', () => {
    const r = run('logstash', { username: 'pynomaly-logstash', password: 'p@ss word\n' }, { username: 'ES_USER', password: 'ES_PASSWORD' });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(['create', 'add ES_USER --stdin', 'add ES_PASSWORD --stdin']);
    expect(readFileSync(join(r.home, 'out', 'create-stdin'), 'utf8')).toBe('y\n');
    expect(r.values).toEqual({ ES_USER: 'pynomaly-logstash\n', ES_PASSWORD: 'p@ss word\n' });
  });

  test('a stale keystore is removed first, so `add` never asks before overwriting', () => {
    const r = run('logstash', { p: 'x' }, { p: 'K' }, true);
    expect(r.calls[0]).toBe('create');
    // The stand-in's create only touches: the old content is gone only if the script removed the file.
    expect(readFileSync(join(r.home, 'config', 'logstash.keystore'), 'utf8')).toBe('');
  });

  test.each([
    ['not ASCII', 'pässword', /ASCII only/],
    ['empty', '\n', /empty, or with control characters/],
  ])('a value that is %s stops the script (logstash-keystore would loop or fail)', (_what, value, message) => {
    const r = run('logstash', { password: value }, { password: 'ES_PASSWORD' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.values).toEqual({});
  });
});

test('elasticsearch-keystore: each setting from its file on stdin, --force', () => {
  const r = run('elasticsearch', { 'access-key': 'AKIA', 'secret-key': 's3cr3t' }, { 'access-key': 's3.client.default.access_key', 'secret-key': 's3.client.default.secret_key' });
  expect(r.status).toBe(0);
  expect(r.calls).toEqual(['create', 'add --stdin --force s3.client.default.access_key', 'add --stdin --force s3.client.default.secret_key']);
});
