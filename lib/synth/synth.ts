/**
 * Synthesis of every requested environment into an output folder, all or
 * nothing: everything is rendered in memory first, then written to a temporary
 * sibling folder that replaces the output folder only when complete.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { documentedValuesYaml } from '../values/document';
import { loadValues, valuesJsonSchema } from '../values/load';
import { valuesSchema } from '../values/schema';
import { renderEnvironmentFiles, renderObjects } from './render';

export interface SynthOptions {
  readonly envs: readonly string[];
  readonly valuesFiles?: readonly string[];
  readonly sets?: readonly string[];
  /** @default `<project>/dist` */
  readonly output?: string;
  /** @default `<project>/values` */
  readonly valuesDir?: string;
}

/** The folder holding package.json (works from lib/ sources and from build/). */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

export function projectVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Renders every file of the requested environments, in memory. */
export function renderAll(opts: SynthOptions): Map<string, string> {
  const version = projectVersion();
  const valuesDir = opts.valuesDir ?? join(projectRoot(), 'values');
  const schemaJson = JSON.stringify(valuesJsonSchema(), null, 2) + '\n';
  const files = new Map<string, string>();
  files.set('values.schema.json', schemaJson);
  files.set(
    'values.yaml',
    documentedValuesYaml(valuesSchema.parse({}), valuesJsonSchema(), 'Defaults of every value (generated from lib/values/schema.ts).\nvalues/<env>.yaml, --values FILE and --set key=value are layered on top, as in Helm.\n'),
  );
  for (const env of opts.envs) {
    const values = loadValues({ env, valuesDir, valuesFiles: opts.valuesFiles, sets: opts.sets, baseLayer: { environment: env } });
    const rendered = renderObjects(values, version);
    const valuesYaml = documentedValuesYaml(values, valuesJsonSchema(), `Values of the ${env} environment, as synthesized (informational:\nthe templates are already rendered with them).\n`);
    for (const [path, content] of renderEnvironmentFiles(env, rendered, { version, valuesYaml, valuesSchemaJson: schemaJson })) {
      files.set(path, content);
    }
  }
  return files;
}

/**
 * Writes `files` as the new content of `output`, replacing the folders of the
 * rendered environments and keeping the others.
 */
export function writeAtomically(output: string, files: Map<string, string>, envs: readonly string[]): void {
  const target = resolve(output);
  const staging = `${target}.tmp-${process.pid}`;
  const previous = `${target}.old-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    if (existsSync(target)) {
      // Keep what this run does not replace (other environments).
      cpSync(target, staging, { recursive: true, filter: (src) => !ownedByRun(target, src, envs) });
    }
    for (const [path, content] of files) {
      const full = join(staging, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
    if (existsSync(target)) renameSync(target, previous);
    renameSync(staging, target);
    rmSync(previous, { recursive: true, force: true });
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(target) && existsSync(previous)) renameSync(previous, target);
    throw e;
  }
}

function ownedByRun(root: string, src: string, envs: readonly string[]): boolean {
  const rel = src.slice(root.length + 1);
  if (rel === '') return false;
  if (rel === 'values.yaml' || rel === 'values.schema.json') return true;
  return envs.some((env) => rel === env || rel.startsWith(`${env}/`) || rel === `helm/${env}` || rel.startsWith(`helm/${env}/`));
}

export function synth(opts: SynthOptions): { files: number; output: string } {
  const files = renderAll(opts);
  const output = opts.output ?? join(projectRoot(), 'dist');
  writeAtomically(output, files, opts.envs);
  return { files: files.size, output };
}
