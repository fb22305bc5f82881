/**
 * The synth command end to end, as a platform engineer runs it: output layout,
 * byte-for-byte determinism, and bad input that exits non-zero with one clear
 * message and leaves the output folder exactly as it was.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSynth, synthInto, treeDigest } from './support/cli';
import { ENVIRONMENTS } from './support/stack';
import { tempDir } from './support/values';

const tmp = tempDir('cli-test-');
const out = join(tmp, 'dist');
let baseline: Record<string, string>;

beforeAll(() => {
  synthInto(out);
  baseline = treeDigest(out);
});

describe('layout', () => {
  test.each([...ENVIRONMENTS])('%s has manifests, a Kustomization and a Helm chart', (env) => {
    const files = Object.keys(baseline);
    expect(files).toContain(`${env}/Kustomization`);
    expect(files).toContain(`${env}/00-namespace.yaml`);
    expect(files).toContain(`${env}/prometheus.yaml`);
    expect(files).toContain(`helm/${env}/Chart.yaml`);
    expect(files).toContain(`helm/${env}/values.schema.json`);
    // `kubectl apply -f dist/<env>/` reads only *.yaml, *.yml and *.json: the
    // Kustomization must not be one of them, and every manifest must be listed in it.
    const manifests = files.filter((f) => f.startsWith(`${env}/`) && !f.slice(env.length + 1).includes('/') && f.endsWith('.yaml'));
    const kustomization = readFileSync(join(out, env, 'Kustomization'), 'utf8');
    for (const m of manifests) expect(kustomization).toContain(`  - ${m.slice(env.length + 1)}\n`);
    expect(files.filter((f) => f.startsWith(`${env}/`) && /kustomization\.ya?ml$/i.test(f))).toEqual([]);
  });
  test('the documented defaults and the schema are written once at the top', () => {
    const values = readFileSync(join(out, 'values.yaml'), 'utf8');
    expect(values).toMatch(/# Retention of the TSDB by time: how long samples are kept \(--storage\.tsdb\.retention\.time\)[^\n]*\n  retention: 30d\n/);
    const schema = JSON.parse(readFileSync(join(out, 'values.schema.json'), 'utf8'));
    expect(schema.properties.prometheus.properties.retention.default).toBe('30d');
    expect(schema.additionalProperties).toBe(false);
  });
  test('every pattern in the schema is RE2 syntax, which Helm validates with (no lookaround, no backreferences)', () => {
    const patterns: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'pattern' && typeof v === 'string') patterns.push(v);
          else walk(v);
        }
      }
    };
    walk(JSON.parse(readFileSync(join(out, 'values.schema.json'), 'utf8')));
    expect(patterns.length).toBeGreaterThan(0);
    expect(patterns.filter((p) => /\(\?[=!<]|\\[1-9]/.test(p))).toEqual([]);
  });
});

describe('determinism', () => {
  test('a second synth writes identical bytes', () => {
    const again = join(tmp, 'again');
    expect(runSynth(['--output', again]).status).toBe(0);
    expect(treeDigest(again)).toEqual(baseline);
  });
  test('--env renders one environment and keeps the others as they were', () => {
    const partial = join(tmp, 'partial');
    expect(runSynth(['--output', partial]).status).toBe(0);
    const r = runSynth(['--output', partial, '--env', 'prod', '--set', 'prometheus.retention=15d']);
    expect(r.status).toBe(0);
    const after = treeDigest(partial);
    for (const [file, digest] of Object.entries(baseline)) {
      if (file.startsWith('prod/prometheus') || file.startsWith('helm/prod/')) continue;
      expect([file, after[file]]).toEqual([file, digest]);
    }
    expect(readFileSync(join(partial, 'prod', 'prometheus.yaml'), 'utf8')).toContain('--storage.tsdb.retention.time=15d');
  });
});

describe('help', () => {
  test.each([['--help'], ['-h'], ['help']])('%s prints the usage, the environments and examples, and exits 0', (flag) => {
    const r = runSynth([flag]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^usage: npm run synth -- /);
    expect(r.stdout).toContain('environments: dev, staging, prod (one per values/<env>.yaml)');
    for (const flagName of ['--env', '--values', '--set', '--output']) expect(r.stdout).toContain(flagName);
    expect(r.stdout).toContain('npm run synth -- --env prod --set prometheus.retention=15d');
  });
});

describe('bad input: non-zero exit, one clear message, nothing written', () => {
  const cases: [string, string[], RegExp][] = [
    ['invalid duration', ['--set', 'prometheus.retention=banana'], /--set prometheus\.retention=banana: prometheus\.retention: expected a Prometheus duration/],
    ['negative replicas', ['--set', 'prometheus.replicas=-1'], /--set prometheus\.replicas=-1: prometheus\.replicas: expected an integer >= 1, got -1/],
    ['unknown key', ['--set', 'prometheus.retnetion=1d'], /unknown key \(did you mean prometheus\.retention\?\)/],
    ['missing values file', ['--values', '/nonexistent.yaml'], /--values \/nonexistent\.yaml: file not found/],
    ['unknown environment', ['--env', 'qa'], /--env qa: unknown environment \(environments: dev, staging, prod; each is a values\/<env>\.yaml\)/],
    ['values file that is a folder', ['--values', '/tmp'], /--values \/tmp: is a folder, not a file/],
    ['unknown argument', ['--frobnicate'], /unknown argument "--frobnicate"/],
  ];
  test.each(cases)('%s', (_name, args, message) => {
    const r = runSynth(['--output', out, ...args]);
    expect(r.status).toBe(1);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toMatch(message);
    expect(lines[lines.length - 1]).toBe('nothing was written.');
    expect(treeDigest(out)).toEqual(baseline);
  });
  test('malformed YAML names the file and line', () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'prometheus:\n  retention: [\n');
    const r = runSynth(['--output', out, '--values', bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`--values ${bad}:3:1: malformed YAML`);
    expect(treeDigest(out)).toEqual(baseline);
  });
  test.each([
    ['empty', ''],
    ['comments only', '# nothing to change yet\n\n# (Helm takes this as an empty layer)\n'],
  ])('an %s values file is an empty layer, as in Helm', (_name, content) => {
    const file = join(tmp, `empty-${content.length}.yaml`);
    writeFileSync(file, content);
    const again = join(tmp, `empty-layer-${content.length}`);
    expect(runSynth(['--output', again, '--values', file]).status).toBe(0);
    expect(treeDigest(again)).toEqual(baseline);
  });
  test('a failure on a fresh output folder creates nothing', () => {
    const fresh = join(tmp, 'never');
    expect(runSynth(['--output', fresh, '--set', 'prometheus.replicas=0']).status).toBe(1);
    expect(existsSync(fresh)).toBe(false);
  });
});
