/**
 * The objects of one synthesized environment, read from `dist/<env>/` as
 * `kubectl apply -k` would (the top folder and the folders its Kustomization
 * lists, e.g. cert-manager/; plus the Prometheus Operator folder, for a
 * cluster that serves its API), in apply order: by sync wave, then as written.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { waveOf } from '../gitops/waves';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/** The folder of objects that need the Prometheus Operator's API, and that API. */
export const OPERATOR_FOLDER = { path: 'prometheus-operator', group: 'monitoring.coreos.com' } as const;

export interface EnvironmentManifests {
  readonly objects: readonly Manifest[];
  /** Objects of the operator folder: applied only where the API is served. */
  readonly operatorObjects: readonly Manifest[];
}

export function readEnvironment(distDir: string, env: string): EnvironmentManifests {
  const dir = join(distDir, env);
  if (!existsSync(dir)) throw new Error(`${dir} does not exist: run npm run synth -- --env ${env} first`);
  return {
    objects: [readFolder(dir), ...kustomizedFolders(dir).map((f) => readFolder(join(dir, f)))].flat(),
    operatorObjects: existsSync(join(dir, OPERATOR_FOLDER.path)) ? readFolder(join(dir, OPERATOR_FOLDER.path)) : [],
  };
}

/** The folders among the resources of the environment's Kustomization. */
function kustomizedFolders(dir: string): string[] {
  const file = join(dir, 'Kustomization');
  if (!existsSync(file)) return [];
  const { resources = [] } = yaml.load(readFileSync(file, 'utf8')) as { resources?: string[] };
  return resources.filter((r) => !r.endsWith('.yaml'));
}

function readFolder(dir: string): Manifest[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => (yaml.loadAll(readFileSync(join(dir, f), 'utf8')) as (Manifest | null)[]).filter((o): o is Manifest => !!o));
}

/** Objects grouped by wave, lowest first; within a wave in file order. */
export function byWave(objects: readonly Manifest[]): [number, Manifest[]][] {
  const waves = new Map<number, Manifest[]>();
  for (const o of objects) waves.set(waveOf(o), [...(waves.get(waveOf(o)) ?? []), o]);
  return [...waves].sort((a, b) => a[0] - b[0]);
}

export const idOf = (o: Pick<Manifest, 'kind' | 'metadata'>): string => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
