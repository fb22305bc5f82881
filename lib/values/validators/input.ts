/**
 * Bounds on what a values source may hold, checked before anything else reads
 * it, so that hostile input (a billion-laughs file, a 20 MB string, a huge list
 * index, `__proto__` keys, text that is not UTF-8) fails in bounded time and
 * memory with one line naming the source and the key path.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import * as YAML from 'yaml';
import { ValuesError } from '../errors';

/** Largest values file read. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Largest `--set` argument. */
export const MAX_SET_BYTES = 256 * 1024;
/** Largest string value, except where LARGE_TEXT_PATHS allow more. */
export const MAX_STRING = 64 * 1024;
/** Largest string value under LARGE_TEXT_PATHS (dashboard JSON, at most a ConfigMap). */
export const MAX_LARGE_STRING = 1024 * 1024;
/** Values that are documents in their own right (a dashboard's JSON). */
const LARGE_TEXT_PATHS = [/^grafana\.dashboards\.additional\.[^.]+$/];
/** Largest list index of `--set a[i]=x` (Helm's limit). */
export const MAX_LIST_INDEX = 65536;
/** Most aliases a YAML file may expand (the `yaml` package's own default). */
export const MAX_ALIASES = 100;
/** Most keys, list items and scalars in one source. */
export const MAX_NODES = 200_000;
/** Deepest nesting of maps and lists in one source. */
export const MAX_DEPTH = 64;
/** Keys that would reach an object's prototype when assigned. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A UTF-16 surrogate not part of a pair: text no UTF-8 encoder can write. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** `text` cut to `max` characters (with an ellipsis saying how long it was), for messages. */
export function truncate(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** `text` with control characters (line breaks, tabs, ...) escaped: a message stays one line. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** A key or value quoted for a message, bounded in length. */
export function quote(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(truncate(text, max));
}

/** Why `key` cannot be a key of a values map, if it cannot. */
export function keyProblem(key: string): string | undefined {
  if (FORBIDDEN_KEYS.has(key)) return `the key ${JSON.stringify(key)} is not allowed`;
  if (LONE_SURROGATE.test(key)) return 'key is not valid UTF-8 text (a lone surrogate)';
  if (key.length > 253) return `key is ${key.length} characters long (at most 253)`;
  return undefined;
}

/** Why a string value is refused, if it is: too long, or not UTF-8. */
export function stringProblem(value: string, path: readonly (string | number)[]): string | undefined {
  const max = LARGE_TEXT_PATHS.some((p) => p.test(path.join('.'))) ? MAX_LARGE_STRING : MAX_STRING;
  if (value.length > max) return `value is ${value.length} characters long (at most ${max})`;
  if (LONE_SURROGATE.test(value)) return 'value is not valid UTF-8 text (a lone surrogate)';
  return undefined;
}

/**
 * Checks a whole values tree from one source: keys, string sizes and encoding,
 * size and depth. Throws a ValuesError at the first problem.
 */
export function checkValuesTree(tree: unknown, source: string): void {
  let nodes = 0;
  const fail = (path: readonly (string | number)[], problem: string): never => {
    throw new ValuesError(`${source}: ${path.length ? printable(path.map((p) => truncate(String(p), 64)).join('.')) : '(top level)'}: ${problem}`);
  };
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (++nodes > MAX_NODES) fail(path, `more than ${MAX_NODES} values in one source`);
    if (path.length > MAX_DEPTH) fail(path, `nested more than ${MAX_DEPTH} levels deep`);
    if (typeof node === 'string') {
      const problem = stringProblem(node, path);
      if (problem) fail(path, problem);
    } else if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        if (!(i in node)) fail([...path, i], 'list item not set (the indexes of a list start at 0 and leave no gaps)');
        walk(node[i], [...path, i]);
      }
    } else if (typeof node === 'object' && node !== null) {
      for (const key of Object.keys(node)) {
        const problem = keyProblem(key);
        if (problem) fail([...path, key], problem);
        walk((node as Record<string, unknown>)[key], [...path, key]);
      }
    } else if (typeof node === 'number' && !Number.isFinite(node)) {
      fail(path, `expected a finite number, got ${String(node)}`);
    }
  };
  walk(tree, []);
}

/**
 * A file of UTF-8 text of at most `maxBytes`, read in bounded chunks: a pipe
 * (`--values <(...)`) works, a device such as /dev/zero ends at the bound.
 */
export function readTextFile(file: string, source: string, maxBytes: number): string {
  const chunks: Buffer[] = [];
  let total = 0;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    if (fstatSync(fd).isDirectory()) throw new ValuesError(`${source}: is a folder, not a file`);
    const chunk = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new ValuesError(`${source}: more than ${maxBytes} bytes`);
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
  } catch (e) {
    if (e instanceof ValuesError) throw e;
    throw new ValuesError(`${source}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ValuesError(`${source}: not valid UTF-8 text`);
  }
}

/**
 * Parses a YAML values file with bounded aliases, unique keys and UTF-8 only;
 * returns its data (not yet checked by checkValuesTree).
 */
export function parseValuesYaml(file: string, source: string): unknown {
  const text = readTextFile(file, source, MAX_FILE_BYTES);
  try {
    return YAML.parse(text, { maxAliasCount: MAX_ALIASES, uniqueKeys: true, merge: true });
  } catch (e) {
    const err = e as Error & { linePos?: { line: number; col: number }[] };
    const where = err.linePos?.[0] ? `:${err.linePos[0].line}:${err.linePos[0].col}` : '';
    const reason = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const problem = /alias count/.test(reason) ? `too many aliases (at most ${MAX_ALIASES}): ${reason}` : reason;
    throw new ValuesError(`${source}${where}: malformed YAML: ${truncate(problem, 200)}`);
  }
}
