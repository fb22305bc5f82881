/**
 * The output folder is the user's: synth writes only into a folder it owns,
 * switches the whole tree at once, survives being killed at any point, and
 * lets only one writer in at a time.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { exchangeFolders, MANIFEST } from '../lib/synth/output';
import { runSynth, startSynth, treeDigest } from './support/cli';
import { ROOT } from './support/stack';
import { tempDir } from './support/values';

const tmp = tempDir('output-test-');
let n = 0;
/** A fresh output path (not created) in the test's temp folder. */
const fresh = (): string => join(tmp, `out-${++n}`);

/** Our leftovers beside an output folder: staging folders and the lock. */
const leftovers = (out: string): string[] => readdirSync(dirname(out)).filter((f) => f.startsWith(`.${basename(out)}.synth-`));

/** Polls `done` for up to five seconds (a background child's work). */
async function eventually(done: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
  return done();
}

function synthOk(args: readonly string[], env: Record<string, string> = {}): void {
  const r = runSynth(args, ROOT, env);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}

function expectRefused(args: readonly string[], message: RegExp): void {
  const r = runSynth(args);
  expect(r.status).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toMatch(message);
  expect(lines).toEqual([lines[0], 'nothing was written.']);
}

let full: Record<string, string>;
beforeAll(() => {
  const out = fresh();
  synthOk(['--output', out]);
  full = treeDigest(out);
});

describe('ownership', () => {
  test('a non-empty folder that we did not write is refused, and left exactly as it was', () => {
    const out = fresh();
    mkdirSync(join(out, 'dev'), { recursive: true });
    writeFileSync(join(out, 'dev', 'notes.txt'), 'mine');
    writeFileSync(join(out, 'values.yaml'), 'mine: true\n');
    const before = treeDigest(out);
    expectRefused(['--output', out, '--env', 'dev'], /^error: --output .*: .* is not empty and was not written by pynomaly-monitoring/);
    expect(treeDigest(out)).toEqual(before);
    expect(leftovers(out)).toEqual([]);
  });

  test.each([
    ['/', '/'],
    ['the home folder', homedir()],
    ['the project itself', ROOT],
  ])('%s is refused', (_name, dir) => {
    expectRefused(['--output', dir], /^error: --output .*: refusing to write into /);
  });

  test('an empty folder is taken, and marked as ours', () => {
    const out = fresh();
    mkdirSync(out);
    synthOk(['--output', out, '--env', 'dev']);
    expect(JSON.parse(readFileSync(join(out, MANIFEST), 'utf8')).files).toContain('dev/prometheus.yaml');
  });

  test("a user's files inside our folder survive a synth; ours are replaced", () => {
    const out = fresh();
    synthOk(['--output', out]);
    writeFileSync(join(out, 'dev', 'notes.txt'), 'my notes');
    writeFileSync(join(out, 'README.local.md'), 'mine');
    mkdirSync(join(out, 'my-overlay'));
    writeFileSync(join(out, 'my-overlay', 'kustomization.yaml'), 'resources: [../prod]\n');
    synthOk(['--output', out, '--env', 'dev', '--set', 'prometheus.retention=3d']);
    expect(readFileSync(join(out, 'dev', 'notes.txt'), 'utf8')).toBe('my notes');
    expect(readFileSync(join(out, 'README.local.md'), 'utf8')).toBe('mine');
    expect(readFileSync(join(out, 'my-overlay', 'kustomization.yaml'), 'utf8')).toBe('resources: [../prod]\n');
    expect(readFileSync(join(out, 'dev', 'prometheus.yaml'), 'utf8')).toContain('--storage.tsdb.retention.time=3d');
    // The user's files are not claimed as ours.
    expect(JSON.parse(readFileSync(join(out, MANIFEST), 'utf8')).files).not.toContain('dev/notes.txt');
  });

  test('our files that are no longer produced are removed; the other environments stay as they were', () => {
    const out = fresh();
    synthOk(['--output', out]);
    expect(existsSync(join(out, 'prod', 'prometheus-operator', 'servicemonitors.yaml'))).toBe(true);
    synthOk(['--output', out, '--env', 'prod', '--set', 'prometheus.serviceMonitors.enabled=false']);
    expect(existsSync(join(out, 'prod', 'prometheus-operator', 'servicemonitors.yaml'))).toBe(false);
    expect(existsSync(join(out, 'helm', 'prod', 'templates', 'prometheus-operator', 'servicemonitors.yaml'))).toBe(false);
    // A folder that held only our removed files goes; an empty folder of the user's stays.
    mkdirSync(join(out, 'prod', 'my-empty-folder'));
    synthOk(['--output', out, '--env', 'prod', '--set', 'prometheus.serviceMonitors.enabled=false', '--set', 'rules.prometheusRule.enabled=false']);
    expect(existsSync(join(out, 'prod', 'prometheus-operator'))).toBe(false);
    expect(readdirSync(join(out, 'prod', 'my-empty-folder'))).toEqual([]);
    const after = treeDigest(out);
    for (const [file, digest] of Object.entries(full)) {
      if (file.startsWith('dev/') || file.startsWith('staging/') || file.startsWith('helm/dev/') || file.startsWith('helm/staging/')) expect([file, after[file]]).toEqual([file, digest]);
    }
  });
});

describe('unchanged files', () => {
  test('a file whose content is unchanged is linked from the old tree (same inode); a changed one and a hand-edited one (even of the same size) are written anew', () => {
    const out = fresh();
    synthOk(['--output', out, '--env', 'prod']);
    const inode = (f: string): bigint => statSync(join(out, f), { bigint: true }).ino;
    const before = { grafana: inode('prod/grafana.yaml'), prometheus: inode('prod/prometheus.yaml'), alertmanager: inode('prod/alertmanager.yaml') };
    const ours = readFileSync(join(out, 'prod', 'alertmanager.yaml'), 'utf8');
    writeFileSync(join(out, 'prod', 'alertmanager.yaml'), ours + '# edited by hand\n');
    // An edit that keeps the size: the bytes are compared, not only the sizes.
    const jaeger = readFileSync(join(out, 'prod', 'jaeger.yaml'), 'utf8');
    writeFileSync(join(out, 'prod', 'jaeger.yaml'), jaeger.replace('kind:', 'kinD:'));
    synthOk(['--output', out, '--env', 'prod', '--set', 'prometheus.retention=3d']);
    expect(readFileSync(join(out, 'prod', 'jaeger.yaml'), 'utf8')).toBe(jaeger);
    expect(inode('prod/grafana.yaml')).toBe(before.grafana);
    expect(inode('prod/prometheus.yaml')).not.toBe(before.prometheus);
    expect(readFileSync(join(out, 'prod', 'prometheus.yaml'), 'utf8')).toContain('--storage.tsdb.retention.time=3d');
    expect(readFileSync(join(out, 'prod', 'alertmanager.yaml'), 'utf8')).toBe(ours);
  });
});

describe('one atomic switch, and a killed run', () => {
  const linuxWithExchange = process.platform === 'linux' && ['x64', 'arm64'].includes(process.arch);
  (linuxWithExchange ? test : test.skip)('on Linux the two trees are swapped by one system call (renameat2 RENAME_EXCHANGE)', () => {
    const a = join(tmp, 'swap-a');
    const b = join(tmp, 'swap-b');
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, 'from-a'), '');
    writeFileSync(join(b, 'from-b'), '');
    expect(exchangeFolders(a, b)).toBe(true);
    expect([readdirSync(a), readdirSync(b)]).toEqual([['from-b'], ['from-a']]);
  });

  (linuxWithExchange ? test : test.skip)('the old tree goes to a trash folder that a background child deletes', async () => {
    const a = join(tmp, 'trash-a');
    const b = join(tmp, 'trash-b');
    const trash = join(tmp, 'trash-of-b');
    mkdirSync(join(a, 'deep', 'er'), { recursive: true });
    mkdirSync(b);
    writeFileSync(join(a, 'deep', 'er', 'old-file'), 'old');
    writeFileSync(join(b, 'new-file'), 'new');
    expect(exchangeFolders(b, a, trash)).toBe(true);
    expect(readdirSync(a)).toEqual(['new-file']);
    expect(existsSync(b)).toBe(false); // renamed to the trash at once
    expect(await eventually(() => !existsSync(trash))).toBe(true);
  });

  test('a synth leaves no trash behind once its child is done, and removes a trash folder a killed child left', async () => {
    const out = fresh();
    synthOk(['--output', out]);
    synthOk(['--output', out]);
    const trashes = (): string[] => readdirSync(dirname(out)).filter((f) => f.startsWith(`.${basename(out)}.trash-`));
    expect(await eventually(() => trashes().length === 0)).toBe(true);
    // A trash folder whose child was killed: old enough (by its ctime, set when it became trash) to be ours.
    const stale = join(dirname(out), `.${basename(out)}.trash-2147483646`);
    mkdirSync(join(stale, 'prod'), { recursive: true });
    writeFileSync(join(stale, 'prod', 'x.yaml'), '');
    const r = runSynth(['--output', out], ROOT, { PYNOMALY_SYNTH_STALE_TRASH_MS: '0' });
    expect(r.status).toBe(0);
    expect(existsSync(stale)).toBe(false);
  });

  test('killed after staging the new tree: the old tree is intact; the next run cleans up and succeeds', () => {
    const out = fresh();
    synthOk(['--output', out]);
    const r = runSynth(['--output', out, '--set', 'prometheus.retention=3d'], ROOT, { PYNOMALY_SYNTH_CRASH_AT: 'staged' });
    expect(r.signal).toBe('SIGKILL');
    expect(treeDigest(out)).toEqual(full);
    expect(leftovers(out).length).toBeGreaterThan(0); // the dead run's staging folder and lock
    synthOk(['--output', out]);
    expect(leftovers(out)).toEqual([]);
    expect(treeDigest(out)).toEqual(full);
  });

  test('killed right after the switch: the new tree is complete; the old one is cleaned by the next run', () => {
    const out = fresh();
    synthOk(['--output', out]);
    const r = runSynth(['--output', out, '--env', 'prod', '--set', 'prometheus.retention=3d'], ROOT, { PYNOMALY_SYNTH_CRASH_AT: 'switched' });
    expect(r.signal).toBe('SIGKILL');
    expect(readFileSync(join(out, 'prod', 'prometheus.yaml'), 'utf8')).toContain('retention.time=3d');
    expect(Object.keys(treeDigest(out)).sort()).toEqual(Object.keys(full).sort());
    synthOk(['--output', out]);
    expect(leftovers(out)).toEqual([]);
    expect(treeDigest(out)).toEqual(full);
  });

  test('without an atomic exchange, a run killed between its two renames is rolled forward by the next', () => {
    const out = fresh();
    synthOk(['--output', out]);
    const env = { PYNOMALY_SYNTH_NO_EXCHANGE: '1' };
    const r = runSynth(['--output', out, '--env', 'prod', '--set', 'prometheus.retention=3d'], ROOT, { ...env, PYNOMALY_SYNTH_CRASH_AT: 'between-renames' });
    expect(r.signal).toBe('SIGKILL');
    // The next run finds the complete new tree, moves it in, then writes its own.
    synthOk(['--output', out, '--env', 'dev'], env);
    expect(readFileSync(join(out, 'prod', 'prometheus.yaml'), 'utf8')).toContain('retention.time=3d');
    expect(leftovers(out)).toEqual([]);
    synthOk(['--output', out], env);
    expect(treeDigest(out)).toEqual(full);
  });

  test('a failing run writes nothing, and says so', () => {
    const out = fresh();
    synthOk(['--output', out]);
    expectRefused(['--output', out, '--set', 'prometheus.replicas=0'], /prometheus\.replicas/);
    expect(treeDigest(out)).toEqual(full);
    expect(leftovers(out)).toEqual([]);
  });
});

describe('one writer at a time', () => {
  test('two overlapping synths both succeed, one after the other, and leave one complete tree', async () => {
    const out = fresh();
    const [a, b] = await Promise.all([
      startSynth(['--output', out, '--set', 'prometheus.retention=3d']),
      startSynth(['--output', out, '--set', 'prometheus.retention=4d']),
    ]);
    expect([a.status, a.stderr, b.status, b.stderr]).toEqual([0, '', 0, '']);
    const prometheus = readFileSync(join(out, 'dev', 'prometheus.yaml'), 'utf8');
    const retention = /retention\.time=(\dd)/.exec(prometheus)?.[1];
    expect(['3d', '4d']).toContain(retention);
    // Every file is from the same run: all three environments agree.
    for (const env of ['staging', 'prod']) expect(readFileSync(join(out, env, 'prometheus.yaml'), 'utf8')).toContain(`retention.time=${retention}`);
    expect(Object.keys(treeDigest(out)).sort()).toEqual(Object.keys(full).sort());
    expect(leftovers(out)).toEqual([]);
  });

  test('while a live synth holds the lock, another one waits, then fails before touching anything', () => {
    const out = fresh();
    synthOk(['--output', out]);
    const lock = join(dirname(out), `.${basename(out)}.synth-lock`);
    writeFileSync(lock, String(process.pid)); // this test process is alive
    try {
      const r = runSynth(['--output', out, '--set', 'prometheus.retention=3d'], ROOT, { PYNOMALY_SYNTH_LOCK_TIMEOUT_MS: '300' });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`another synth \\(pid ${process.pid}\\) is writing`));
      expect(r.stderr).toMatch(/nothing was written\.\n$/);
      expect(treeDigest(out)).toEqual(full);
    } finally {
      rmSync(lock, { force: true });
    }
  });

  test('a lock left by a dead process is taken over', () => {
    const out = fresh();
    synthOk(['--output', out]);
    writeFileSync(join(dirname(out), `.${basename(out)}.synth-lock`), '2147483646');
    synthOk(['--output', out]);
    expect(leftovers(out)).toEqual([]);
  });
});
