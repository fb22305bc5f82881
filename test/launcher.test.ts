/**
 * scripts/launch.js, which `npm run synth` and `cdk8s synth` run: it rebuilds
 * the bundle whenever a source changed, even by an edit that keeps the file's
 * length and mtime, and never runs a stale bundle or code cache. Tried on a
 * small project of its own, so the real sources are never edited.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support/stack';
import { tempDir } from './support/values';

const project = tempDir('launcher-test-');

beforeAll(() => {
  mkdirSync(join(project, 'scripts'));
  mkdirSync(join(project, 'lib'));
  copyFileSync(join(ROOT, 'scripts', 'launch.js'), join(project, 'scripts', 'launch.js'));
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'));
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json']) writeFileSync(join(project, f), '{}\n');
  // Ends with process.exit(), as ours does: the code cache must still be written.
  writeFileSync(join(project, 'main.ts'), "import { interval } from './lib/interval';\nimport { writeSync } from 'node:fs';\nwriteSync(1, interval + '\\n');\nprocess.exit();\n");
  writeFileSync(join(project, 'lib', 'interval.ts'), "export const interval = '15s';\n");
});

function launch(): string {
  const r = spawnSync(process.execPath, [join(project, 'scripts', 'launch.js')], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trim();
}

const bundleStat = (): string => {
  const s = statSync(join(project, 'build', 'synth.js'), { bigint: true });
  return `${s.ino}:${s.mtimeNs}`;
};

test('an unchanged project runs the existing bundle, from a code cache made for it', () => {
  expect(launch()).toBe('15s');
  const built = bundleStat();
  expect(launch()).toBe('15s');
  expect(bundleStat()).toBe(built);
  expect(readdirSync(join(project, 'build')).filter((f) => f.endsWith('.cache'))).toHaveLength(1);
});

test('an edit that keeps the length and the mtime of a source is still seen', () => {
  expect(launch()).toBe('15s');
  const source = join(project, 'lib', 'interval.ts');
  const { atime, mtime } = statSync(source);
  writeFileSync(source, "export const interval = '20s';\n");
  utimesSync(source, atime, mtime);
  expect(launch()).toBe('20s');
  // The old bundle's code cache is gone: only the new bundle's remains.
  expect(readdirSync(join(project, 'build')).filter((f) => f.endsWith('.cache'))).toHaveLength(1);
});

test('a change to a build setting rebuilds too', () => {
  expect(launch()).toBe('20s');
  const built = bundleStat();
  writeFileSync(join(project, 'tsconfig.json'), '{ }\n');
  expect(launch()).toBe('20s');
  expect(bundleStat()).not.toBe(built);
});

describe('what goes into the real bundle', () => {
  const bundleText = (): string => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'launch.js'), '--build-only'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    return readFileSync(join(ROOT, 'build', 'synth.js'), 'utf8');
  };
  const inputs = (): string[] => Object.keys((JSON.parse(readFileSync(join(ROOT, 'build', 'synth.inputs.json'), 'utf8')) as { inputs: Record<string, string> }).inputs);

  test('zod is imported as a namespace (import * as z), so its 40 locales stay out of the bundle', () => {
    const text = bundleText();
    expect(text).toContain('Invalid input'); // zod's English messages are in
    expect(text).not.toContain('erwartet'); // its German ones (and the other locales) are not
  });

  test("cdk8s-plus-27's L1 classes come from a copy that drops undefined members in one pass, with the same output", () => {
    bundleText();
    expect(inputs()).toContain('build/k8s-imports.js');
    expect(inputs()).not.toContain('node_modules/cdk8s-plus-27/lib/imports/k8s.js');
    const original = require('cdk8s-plus-27/lib/imports/k8s') as Record<string, (o: unknown) => unknown>;
    const copy = require(join(ROOT, 'build', 'k8s-imports.js')) as Record<string, (o: unknown) => unknown>;
    const props = {
      metadata: { name: 'x', labels: { a: 'b' }, annotations: undefined },
      spec: {
        replicas: 2,
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i:1', args: ['--x'], env: undefined, securityContext: { runAsNonRoot: true } }] } },
      },
    };
    const render = (m: Record<string, (o: unknown) => unknown>): string => JSON.stringify(m.toJson_KubeDeploymentProps(props));
    expect(render(copy)).toBe(render(original));
    expect(render(copy)).toContain('"containers":[{"args":["--x"],"image":"i:1","name":"c","securityContext":{"runAsNonRoot":true}}]');
  });

  test("one copy of yaml: cdk8s's bundled copy is replaced by ours while the versions are the same", () => {
    bundleText();
    expect(inputs().filter((f) => f.startsWith('node_modules/cdk8s/node_modules/yaml/'))).toEqual([]);
  });
});

test('cdk8s synth, npm run synth and npm run diff start Node alike (the heap flags are part of the speed)', () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const cdk8s = (require('js-yaml') as typeof import('js-yaml')).load(readFileSync(join(ROOT, 'cdk8s.yaml'), 'utf8')) as { app: string };
  expect(cdk8s.app).toBe(scripts.synth);
  expect(scripts.diff).toBe(`${scripts.synth} diff`);
  expect(scripts.synth).toMatch(/--min-semi-space-size=\d+ --max-semi-space-size=\d+ --initial-old-space-size=\d+ --no-opt scripts\/launch\.js$/);
});
