/**
 * `npm run diff`: what a synth would change in the committed output, for a
 * pull request or a CI gate. The fresh synth is rendered in memory (nothing is
 * written); the comparison is per object (added, removed, changed, with the
 * changed field paths) and per file (a unified YAML diff).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import * as yaml from 'js-yaml';
import { MANIFEST } from '../synth/output';
import { Manifest } from '../synth/render';
import { ownedScope, renderAll, SynthOptions } from '../synth/synth';

export interface ObjectChange {
  readonly id: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** Field paths that differ (for `changed`), e.g. `spec.template.spec.containers[0].args[2]`. */
  readonly paths: readonly string[];
}

export interface OutputDiff {
  /** Files whose bytes differ, or that exist on one side only, relative to the output folder. */
  readonly files: readonly { path: string; before?: string; after?: string }[];
  readonly objects: readonly ObjectChange[];
}

/** Compares the output folder with what a synth of `opts` would write there, for the files that synth owns. */
export function diffOutput(outputDir: string, opts: SynthOptions): OutputDiff {
  const fresh = renderAll(opts);
  const scope = ownedScope(opts.envs);
  const current = readOwned(outputDir, scope);
  const paths = [...new Set([...fresh.keys(), ...current.keys()])].sort();
  const files = paths.filter((p) => fresh.get(p) !== current.get(p)).map((path) => ({ path, before: current.get(path), after: fresh.get(path) }));
  const objects = files.filter((f) => isManifestFile(f.path)).flatMap((f) => diffObjects(f.path, f.before, f.after));
  return { files, objects };
}

/** Plain manifests (dist/<env>/**.yaml); the Helm chart's templates repeat them and are compared as files. */
const isManifestFile = (path: string): boolean => path.endsWith('.yaml') && !path.startsWith('helm/') && path.includes('/');

/** The files of the folder within the scope of this synth (what the synth would replace or remove). */
function readOwned(dir: string, scope: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  const owned = existsSync(join(dir, MANIFEST)) ? new Set<string>((JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { files: string[] }).files) : undefined;
  const inScope = (p: string): boolean => scope.some((s) => p === s || p.startsWith(`${s}/`));
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (inScope(path) && (owned === undefined || owned.has(path))) files.set(path, readFileSync(join(dir, path), 'utf8'));
    }
  };
  walk('');
  return files;
}

const idOf = (o: Manifest): string => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

function parseObjects(text: string | undefined): Map<string, Manifest> {
  const out = new Map<string, Manifest>();
  for (const doc of text ? yaml.loadAll(text) : []) {
    if (doc && typeof doc === 'object') out.set(idOf(doc as Manifest), doc as Manifest);
  }
  return out;
}

function diffObjects(file: string, before: string | undefined, after: string | undefined): ObjectChange[] {
  const a = parseObjects(before);
  const b = parseObjects(after);
  const changes: ObjectChange[] = [];
  for (const [id, o] of b) {
    const old = a.get(id);
    if (!old) changes.push({ id: `${id} (${file})`, change: 'added', paths: [] });
    else {
      const paths = changedPaths(old, o, '');
      if (paths.length) changes.push({ id: `${id} (${file})`, change: 'changed', paths });
    }
  }
  for (const id of a.keys()) if (!b.has(id)) changes.push({ id: `${id} (${file})`, change: 'removed', paths: [] });
  return changes;
}

/** The leaf paths where two values differ. */
export function changedPaths(a: unknown, b: unknown, at: string): string[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...changedPaths(a[i], b[i], `${at}[${i}]`));
    return out;
  }
  if (isMap(a) && isMap(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedPaths(a[k], b[k], joinKey(at, k)));
  }
  return a === b ? [] : [at || '(root)'];
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** `a.b`, or `a["checksum/config"]` for a key that is not a plain name. */
const joinKey = (at: string, k: string): string => (/^[A-Za-z_][\w-]*$/.test(k) ? (at ? `${at}.${k}` : k) : `${at}[${JSON.stringify(k)}]`);

const SYMBOL = { added: '+', removed: '-', changed: '~' } as const;

/** The report: a summary per object, then the unified diff of every changed file. */
export function formatDiff(d: OutputDiff, outputLabel: string): string {
  if (d.files.length === 0) return `no changes: ${outputLabel} is what a synth writes\n`;
  const lines: string[] = [];
  const count = (c: ObjectChange['change']): number => d.objects.filter((o) => o.change === c).length;
  lines.push(`${d.files.length} file(s) differ from a fresh synth; objects: ${count('added')} added, ${count('removed')} removed, ${count('changed')} changed`);
  for (const o of d.objects) {
    lines.push(`  ${SYMBOL[o.change]} ${o.id}`);
    for (const p of o.paths) lines.push(`      ${p}`);
  }
  lines.push('files:');
  for (const f of d.files) lines.push(`  ${f.before === undefined ? 'added  ' : f.after === undefined ? 'removed' : 'changed'} ${outputLabel}/${f.path}`);
  lines.push('');
  for (const f of d.files) {
    lines.push(createTwoFilesPatch(`a/${outputLabel}/${f.path}`, `b/${outputLabel}/${f.path}`, f.before ?? '', f.after ?? '', undefined, undefined, { context: 3 }).trimEnd());
  }
  return lines.join('\n') + '\n';
}
