/**
 * Values for tests: an environment's values resolved as the synth resolves
 * them, the message of a refused value, and temp dirs that are removed after
 * the test file that made them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { loadValues, ValuesError } from '../../lib/values/load';
import { Values } from '../../lib/values/schema';
import { ROOT } from './stack';

/** The shipped per-environment values files (`values/<env>.yaml`). */
export const VALUES_DIR = join(ROOT, 'values');

const tempDirs: string[] = [];
// Jest loads this module once per test file, so this hook belongs to the file
// that imported it and removes exactly that file's temp dirs, after its last test.
afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under os.tmpdir(), removed after the current test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/**
 * An environment's values as the synth resolves them (defaults < values/<env>.yaml
 * < --values < --set), with `extra` (a values tree) written to a temp YAML file
 * and passed as a --values file: what the output must follow.
 */
export function valuesOf(env: string, sets: readonly string[] = [], extra?: Record<string, unknown>): Values {
  const valuesFiles: string[] = [];
  if (extra) {
    const file = join(tempDir('pynomaly-values-'), 'extra.yaml');
    writeFileSync(file, yaml.dump(extra));
    valuesFiles.push(file);
  }
  return loadValues({ env, valuesDir: VALUES_DIR, sets, valuesFiles, baseLayer: { environment: env } });
}

/**
 * The message of the ValuesError `fn` throws. Fails the test when `fn` throws
 * anything else or nothing (`expected` then says what was expected).
 */
export function errorOf(fn: () => unknown, expected = 'expected a ValuesError'): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValuesError);
    return (e as Error).message;
  }
  throw new Error(expected);
}

/**
 * The --sets that switch our Prometheus or Alertmanager off as a user must:
 * with Grafana's datasource for it, which the values refuse to leave pointing
 * at a Service that is gone.
 */
export function switchedOff(component: 'prometheus' | 'alertmanager'): string[] {
  return [`${component}.enabled=false`, `grafana.datasources.${component}.enabled=false`];
}
