/**
 * Helm-style values layering: schema defaults < values/<env>.yaml < each
 * --values FILE < each --set key=value. Maps merge key by key; lists and
 * scalars replace; `null` removes a key (its default comes back), as in Helm.
 * Every error names its source (file or --set) and the key path.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as z from 'zod';
import { cachedForThisBundle } from '../core/bundle-cache';
import { COMPONENTS } from '../registry';
import { rememberSections } from './parsed';
import { Values, valuesSchema } from './schema';
import { ValuesError } from './errors';
import { parseSet } from './set';
import { checkValuesTree, MAX_SET_BYTES, parseValuesYaml, printable, quote, truncate } from './validators/input';

export { ValuesError };

/** One layer of values and where it came from, for error messages. */
export interface ValuesLayer {
  /** `values/prod.yaml`, `--values my.yaml` or `--set prometheus.retention=15d`. */
  readonly source: string;
  readonly data: Record<string, unknown>;
}


type Tree = Record<string, unknown>;

export function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a YAML values file into a layer; a missing, malformed or non-map file is a ValuesError. */
export function readValuesFile(file: string, source = file): ValuesLayer {
  if (!existsSync(file)) throw new ValuesError(`${source}: file not found`);
  const data = parseValuesYaml(file, source);
  if (data === undefined || data === null) return { source, data: {} };
  if (!isTree(data)) throw new ValuesError(`${source}: expected a map of values at the top level, got ${describe(data)}`);
  checkValuesTree(data, source);
  return { source, data };
}

/** Merges `over` onto `base` the way Helm coalesces values. */
export function mergeValues(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null) {
      delete out[key];
    } else if (isTree(value) && isTree(out[key])) {
      out[key] = mergeValues(out[key] as Tree, value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Layers, merges and validates; throws a ValuesError naming source and key path. */
export function resolveValues(userLayers: readonly ValuesLayer[]): Values {
  // The defaults are the lowest layer, as a chart's values.yaml is in Helm: a
  // map with defaults (a label selector, say) is merged with what a user sets,
  // not replaced, and `key: null` removes a default entry.
  const layers = [{ source: 'defaults', data: defaultValues() }, ...userLayers];
  const merged = layers.reduce<Tree>((acc, l) => mergeValues(acc, l.data), {});
  const result = valuesSchema.safeParse(merged);
  if (result.success) {
    // Each component's section, made by its registry schema: its construct need not parse it again.
    rememberSections(result.data as unknown as Record<string, unknown>, Object.fromEntries(COMPONENTS.map((d) => [d.key, d.values])));
    return result.data;
  }
  // One problem per key: the first (a value several checks refuse is one mistake).
  const seenPaths = new Set<string>();
  const issues = result.error.issues.filter((issue) => {
    const key = issue.path.map(String).join('\u0000');
    if (seenPaths.has(key)) return false;
    seenPaths.add(key);
    return true;
  });
  const messages = [...new Set(issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => explainIssue(issue, layers)))];
  if (issues.length > MAX_REPORTED_ISSUES) messages.push(`(${issues.length - MAX_REPORTED_ISSUES} more problems not shown)`);
  throw new ValuesError(messages.join('\n'));
}

/** Problems listed in one error; the rest are counted. */
const MAX_REPORTED_ISSUES = 10;

let parsedDefaults: Values | undefined;
let defaultsCache: string | undefined;

/** The values with nothing set: every default (shared: never modify it). */
export function defaults(): Values {
  parsedDefaults ??= valuesSchema.parse({});
  return parsedDefaults;
}

/**
 * Every default, as a values tree (a fresh copy each call). A pure function of
 * the code, kept in the bundle's cache: a synth then parses no defaults at all.
 */
export function defaultValues(): Tree {
  defaultsCache ??= cachedForThisBundle('defaults.json', () => JSON.stringify(defaults()));
  return JSON.parse(defaultsCache) as Tree;
}

export interface ValuesOptions {
  /** Environment name: loads `values/<env>.yaml` from `valuesDir`. */
  readonly env: string;
  /** @default 'values' */
  readonly valuesDir?: string;
  /** Extra values files, in order. */
  readonly valuesFiles?: readonly string[];
  /** `key=value` assignments, in order. */
  readonly sets?: readonly string[];
  /** Values set by the CLI itself below the environment's file (e.g. the environment name). */
  readonly baseLayer?: Record<string, unknown>;
}

/** The layers for one environment, in precedence order (lowest first). */
export function collectLayers(opts: ValuesOptions): ValuesLayer[] {
  const dir = opts.valuesDir ?? 'values';
  const envFile = join(dir, `${opts.env}.yaml`);
  const envSource = relative(process.cwd(), envFile) || envFile;
  const layers: ValuesLayer[] = [];
  if (opts.baseLayer) layers.push({ source: `--env ${opts.env}`, data: opts.baseLayer });
  layers.push(readValuesFile(envFile, envSource));
  for (const f of opts.valuesFiles ?? []) layers.push(readValuesFile(f, `--values ${printable(truncate(f, 200))}`));
  for (const s of opts.sets ?? []) {
    const source = `--set ${printable(truncate(s))}`;
    if (s.length > MAX_SET_BYTES) throw new ValuesError(`${source}: argument is ${s.length} characters long (at most ${MAX_SET_BYTES})`);
    const data = parseSet(s, source);
    checkValuesTree(data, source);
    layers.push({ source, data });
  }
  return layers;
}

export function loadValues(opts: ValuesOptions): Values {
  return resolveValues(collectLayers(opts));
}

// ---------------------------------------------------------------------------
// Error messages

type Issue = z.core.$ZodIssue;

function explainIssue(issue: Issue, layers: readonly ValuesLayer[]): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => {
        const full = [...path, key];
        const hint = suggestKey(path, key);
        return printable(`${sourceOf(full, layers)}: ${truncate(full.join('.'), 200)}: unknown key${hint ? ` (did you mean ${[...path, hint].join('.')}?)` : ''}`);
      })
      .join('\n');
  }
  // A record key the key schema refused: say why, and show the key.
  const keyIssue = issue.code === 'invalid_key' ? issue.issues[0] : undefined;
  const got = keyIssue ? path[path.length - 1] : valueAt(path, layers);
  const message = keyIssue?.message ?? issue.message;
  const gotText = got === undefined ? '' : `, got ${typeof got === 'string' ? quote(got) : truncate(JSON.stringify(got) ?? String(got))}`;
  return printable(`${sourceOf(path, layers)}: ${truncate(path.join('.'), 200) || '(top level)'}: ${truncate(message, 300)}${gotText}`);
}

/**
 * The last user layer that sets `path` or, failing that, its nearest parent
 * (a rule across keys, such as "a Secret is required when enabled", is
 * reported at a key the user did not write). The defaults are blamed last.
 */
function sourceOf(path: readonly string[], layers: readonly ValuesLayer[]): string {
  const userLayers = layers.filter((l) => l.source !== 'defaults');
  for (let depth = path.length; depth >= 1; depth--) {
    for (let i = userLayers.length - 1; i >= 0; i--) {
      if (hasPath(userLayers[i].data, path.slice(0, depth))) return userLayers[i].source;
    }
  }
  return 'defaults';
}

function hasPath(tree: Tree, path: readonly string[]): boolean {
  let node: unknown = tree;
  for (const key of path) {
    if (Array.isArray(node) && /^\d+$/.test(key)) node = node[Number(key)];
    else if (isTree(node) && key in node) node = node[key];
    else return false;
  }
  return true;
}

function valueAt(path: readonly string[], layers: readonly ValuesLayer[]): unknown {
  for (let i = layers.length - 1; i >= 0; i--) {
    if (hasPath(layers[i].data, path)) {
      let node: unknown = layers[i].data;
      for (const key of path) node = (node as Record<string, unknown>)[key];
      return isTree(node) ? undefined : node;
    }
  }
  return undefined;
}

let jsonSchemaCache: Record<string, unknown> | undefined;

/**
 * The JSON Schema of the values (input side: every key optional). It is a pure
 * function of the code, so the launcher lets the bundle keep it beside its code
 * cache, under the same key (the bundle's identity): a schema made for another
 * bundle is never read.
 */
export function valuesJsonSchema(): Record<string, unknown> {
  jsonSchemaCache ??= cachedForThisBundle('values-schema.json', () => z.toJSONSchema(valuesSchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>);
  return jsonSchemaCache;
}

/** The known sibling key closest to `key` (edit distance), if any is close. */
function suggestKey(parent: readonly string[], key: string): string | undefined {
  let node = valuesJsonSchema() as Tree;
  for (const p of parent) {
    const props = node.properties as Tree | undefined;
    if (!props || !isTree(props[p])) return undefined;
    node = props[p] as Tree;
  }
  const known = Object.keys((node.properties as Tree | undefined) ?? {});
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  return `${typeof v} ${JSON.stringify(v)}`;
}
