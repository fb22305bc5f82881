/**
 * `--set` parsing with Helm's rules: `a.b=c`, several assignments separated by
 * commas, lists as `{x,y}`, list items as `a[0]=x`, `\,` `\.` `\=` escapes,
 * and typed scalars (`true`/`false`, integers, `null`; anything else is a string).
 */
import { ValuesError } from './errors';
import { keyProblem, MAX_LIST_INDEX, quote } from './validators/input';

type Tree = Record<string, unknown>;

/** Parses one `--set` argument into a values tree. */
export function parseSet(arg: string, source: string): Tree {
  const out: Tree = {};
  for (const assignment of splitUnescaped(arg, ',', true)) {
    const eq = indexOfUnescaped(assignment, '=');
    if (eq <= 0) throw new ValuesError(`${source}: expected key=value, got ${quote(assignment)}`);
    const path = parseKey(assignment.slice(0, eq), source);
    const raw = assignment.slice(eq + 1);
    assign(out, path, parseValue(raw), source);
  }
  return out;
}

/** A key path: `a.b[0].c` becomes ['a', 'b', 0, 'c']. */
function parseKey(key: string, source: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const part of splitUnescaped(key, '.', false)) {
    const m = /^([^[\]]*)((\[\d+\])*)$/.exec(part);
    if (!m || (m[1] === '' && !m[2])) throw new ValuesError(`${source}: malformed key ${quote(key)}`);
    if (m[1]) {
      const name = unescape(m[1]);
      const problem = keyProblem(name);
      if (problem) throw new ValuesError(`${source}: ${quote(key)}: ${problem}`);
      path.push(name);
    }
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) {
      if (idx[1].length > 6 || Number(idx[1]) > MAX_LIST_INDEX) throw new ValuesError(`${source}: ${quote(key)}: list index ${quote(idx[1], 20)} is over ${MAX_LIST_INDEX}`);
      path.push(Number(idx[1]));
    }
  }
  return path;
}

function parseValue(raw: string): unknown {
  if (raw.startsWith('{') && raw.endsWith('}')) {
    const inner = raw.slice(1, -1);
    return inner === '' ? [] : splitUnescaped(inner, ',', false).map((s) => scalar(unescape(s)));
  }
  return scalar(unescape(raw));
}

/** Helm's typing of a --set scalar. */
function scalar(s: string): unknown {
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s === 'null') return null;
  if (/^-?(0|[1-9]\d{0,15})$/.test(s)) return Number(s);
  return s;
}

function assign(tree: Tree, path: (string | number)[], value: unknown, source: string): void {
  let node: Tree | unknown[] = tree;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    const nextIsIndex = typeof path[i + 1] === 'number';
    const current: unknown = Object.hasOwn(node, key) ? (node as Record<string | number, unknown>)[key] : undefined;
    if (current === undefined || current === null) {
      const created = nextIsIndex ? [] : {};
      (node as Record<string | number, unknown>)[key] = created;
      node = created;
    } else if (typeof current === 'object') {
      node = current as Tree;
    } else {
      throw new ValuesError(`${source}: ${path.slice(0, i + 1).join('.')} is already set to a scalar`);
    }
  }
  (node as Record<string | number, unknown>)[path[path.length - 1]] = value;
}

/** Splits on `sep` where it is not escaped (and, for commas, not inside `{...}`). */
function splitUnescaped(s: string, sep: string, respectBraces: boolean): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      current += c + s[++i];
      continue;
    }
    if (respectBraces && c === '{') depth++;
    if (respectBraces && c === '}') depth = Math.max(0, depth - 1);
    if (c === sep && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

function indexOfUnescaped(s: string, ch: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ch) return i;
  }
  return -1;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}
