/**
 * Synthesized output for tests, rendered in memory once per test file (the same
 * code path as `npm run synth`, without touching dist/).
 */
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { Prometheus } from '../../lib/prometheus';
import type { ScrapeTarget } from '../../lib/prometheus/targets';
import { buildComponents, BuiltStack } from '../../lib/stack';
import { Manifest } from '../../lib/synth/render';
import { renderAll } from '../../lib/synth/synth';
import { ENVIRONMENTS, Values } from '../../lib/values/schema';

export const ROOT = join(__dirname, '..', '..');
export { ENVIRONMENTS };

const cache = new Map<string, Map<string, string>>();

/** Every file `npm run synth` would write (path relative to dist/ → content). */
export function synthFiles(opts: { envs?: readonly string[]; sets?: readonly string[]; valuesFiles?: readonly string[] } = {}): Map<string, string> {
  const envs = opts.envs ?? ENVIRONMENTS;
  const key = JSON.stringify([envs, opts.sets ?? [], opts.valuesFiles ?? []]);
  let files = cache.get(key);
  if (!files) {
    files = renderAll({ envs, sets: opts.sets, valuesFiles: opts.valuesFiles });
    cache.set(key, files);
  }
  return files;
}

/** The objects of one environment's plain manifests (`dist/<env>/**.yaml`), in file order. */
export function envObjects(env: string, opts: { sets?: readonly string[]; includeSubfolders?: boolean } = {}): Manifest[] {
  const files = synthFiles({ envs: [env], sets: opts.sets });
  const out: Manifest[] = [];
  for (const [path, content] of files) {
    if (!path.startsWith(`${env}/`) || !path.endsWith('.yaml')) continue;
    if (!opts.includeSubfolders && path.slice(env.length + 1).includes('/')) continue;
    out.push(...(yaml.loadAll(content) as Manifest[]).filter(Boolean));
  }
  return out;
}

export function findObject(objects: readonly Manifest[], kind: string, name: string): Manifest {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/** The components of an environment, built (constructs, files), without rendering YAML. */
export function builtStack(values: Values): BuiltStack {
  return buildComponents(values);
}

/** Every target our Prometheus scrapes in an environment, resolved (Prometheus must be enabled). */
export function prometheusTargets(values: Values): readonly ScrapeTarget[] {
  const prometheus = builtStack(values).constructs.get('prometheus');
  if (!(prometheus instanceof Prometheus)) throw new Error('prometheus is not enabled');
  return prometheus.targets;
}
