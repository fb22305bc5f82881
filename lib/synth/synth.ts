/**
 * Synthesis of every requested environment into an output folder, all or
 * nothing: everything is rendered in memory first, then written by
 * ./output.ts, which switches the whole folder atomically and touches only
 * the files it owns.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { metricsReferenceMarkdown } from '../catalog/reference';
import { APPLICATIONS_FOLDER, environmentApplications, ROOT_APPLICATION_FILE, rootApplication } from '../gitops/argocd';
import { cachedForThisBundle } from '../core/bundle-cache';
import { ValuesError } from '../values/errors';
import { runbookMarkdown } from '../rules/runbook';
import { documentedValuesYaml, JsonSchema } from '../values/document';
import { defaults as defaultValuesParsed, loadValues, valuesJsonSchema } from '../values/load';
import { Values } from '../values/schema';
import { writeOutput } from './output';
import { renderEnvironmentFiles, renderObjects } from './render';
import { timed } from './timings';
import { toYamlStream } from './yaml';

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

/** Files written once at the top of the output, whatever environments are rendered. */
const TOP_LEVEL_FILES = ['values.yaml', 'values.schema.json', 'runbooks.md', 'metrics.md'] as const;
/** Written once too, from the environments' Argo CD settings (which must agree). */
const TOP_LEVEL_GENERATED = [ROOT_APPLICATION_FILE] as const;

/** Renders every file of the requested environments, in memory. */
export function renderAll(opts: SynthOptions): Map<string, string> {
  const version = projectVersion();
  const valuesDir = opts.valuesDir ?? join(projectRoot(), 'values');
  const schema = timed('values schema', () => valuesJsonSchema() as JsonSchema);
  const top = timed('files of the code alone', () => cachedForThisBundle('top-files.json', () => topLevelFiles(schema)));
  const files = new Map<string, string>(Object.entries(top));
  const argocdEnvironments: Values[] = [];
  for (const env of opts.envs) {
    const values = timed('load values', () => loadValues({ env, valuesDir, valuesFiles: opts.valuesFiles, sets: opts.sets, baseLayer: { environment: env } }));
    const rendered = timed('build and resolve objects', () => renderObjects(values, version));
    const synthesizedValuesYaml = timed('documented values', () => documentedValuesYaml(values, schema, `Values of the ${env} environment, as synthesized (informational: the chart's\ntemplates are already rendered with them; values.yaml lists what Helm may still change).\n`));
    const envFiles = timed('YAML and Helm chart', () => renderEnvironmentFiles(env, rendered, { version, valuesSchema: schema, synthesizedValuesYaml }));
    for (const [path, content] of envFiles) {
      files.set(path, content);
    }
    if (values.argocd.enabled) {
      files.set(`${APPLICATIONS_FOLDER}/${env}.yaml`, toYamlStream(environmentApplications(values)));
      argocdEnvironments.push(values);
    }
  }
  if (argocdEnvironments.length) files.set(ROOT_APPLICATION_FILE, toYamlStream([rootApplication(sameArgocdSettings(argocdEnvironments))]));
  return files;
}

/** The files that depend on the code alone (not on any environment's values). */
function topLevelFiles(schema: JsonSchema): Record<(typeof TOP_LEVEL_FILES)[number], string> {
  const defaults = defaultValuesParsed();
  return {
    'values.schema.json': JSON.stringify(schema, null, 2) + '\n',
    'values.yaml': documentedValuesYaml(
      defaults,
      schema,
      'Defaults of every value (generated from lib/values/schema.ts).\nvalues/<env>.yaml, --values FILE and --set key=value are layered on top, as in Helm.\n',
    ),
    // The page every alert's runbook_url points into (rules.runbookBaseUrl), for the default thresholds.
    'runbooks.md': runbookMarkdown(defaults),
    'metrics.md': metricsReferenceMarkdown(),
  };
}

/** The app-of-apps serves every environment: their Argo CD settings (all but `enabled`) must agree. */
function sameArgocdSettings(envs: readonly Values[]): Values {
  const settings = (v: Values): string => JSON.stringify({ ...v.argocd, enabled: true });
  const other = envs.find((v) => settings(v) !== settings(envs[0]));
  if (other) {
    throw new ValuesError(
      `argocd: the ${envs[0].environment} and ${other.environment} environments differ in their Argo CD settings; the app-of-apps serves both: set argocd.* alike (in a --values file given to every environment)`,
    );
  }
  return envs[0];
}

/** What a run over these environments is responsible for in the output folder. */
export function ownedScope(envs: readonly string[]): string[] {
  return [...TOP_LEVEL_FILES, ...TOP_LEVEL_GENERATED, ...envs.flatMap((env) => [env, `helm/${env}`, `${APPLICATIONS_FOLDER}/${env}.yaml`])];
}

export function synth(opts: SynthOptions): { files: number; output: string } {
  const files = renderAll(opts);
  const output = timed('write output', () => writeOutput({
    output: opts.output ?? join(projectRoot(), 'dist'),
    files,
    scope: ownedScope(opts.envs),
    forbidden: [projectRoot()],
  }));
  return { files: files.size, output };
}
