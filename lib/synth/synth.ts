/**
 * Synthesis of every requested environment into an output folder, all or
 * nothing: everything is rendered in memory first, then written to a temporary
 * sibling folder that replaces the output folder only when complete.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runbookMarkdown } from '../rules/runbook';
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
  // The page every alert's runbook_url points into (rules.runbookBaseUrl), for the default thresholds.
  files.set('runbooks.md', runbookMarkdown(valuesSchema.parse({})));
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
 * Writes `files` as the new content of `output`: the paths this run owns (the
 * folders of the rendered environments and the top-level values files) are
 * written to a staging folder beside `output`, then swapped in by rename; other
 * environments already in `output` stay untouched.
 */
export function writeAtomically(output: string, files: Map<string, string>, envs: readonly string[]): void {
  const target = resolve(output);
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const made = new Set<string>();
    for (const [path, content] of files) {
      const full = join(staging, path);
      const dir = dirname(full);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(full, content);
    }
    mkdirSync(target, { recursive: true });
    for (const owned of ownedPaths(envs)) {
      const fresh = join(staging, owned);
      const current = join(target, owned);
      const previous = `${current}.old-${process.pid}`;
      if (existsSync(current)) renameSync(current, previous);
      if (existsSync(fresh)) {
        mkdirSync(dirname(current), { recursive: true });
        renameSync(fresh, current);
      }
      rmSync(previous, { recursive: true, force: true });
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** What one run replaces in the output folder. */
function ownedPaths(envs: readonly string[]): string[] {
  return ['values.yaml', 'values.schema.json', 'runbooks.md', ...envs.flatMap((env) => [env, `helm/${env}`])];
}

export function synth(opts: SynthOptions): { files: number; output: string } {
  const files = renderAll(opts);
  const output = opts.output ?? join(projectRoot(), 'dist');
  writeAtomically(output, files, opts.envs);
  return { files: files.size, output };
}
