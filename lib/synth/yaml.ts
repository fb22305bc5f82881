/**
 * YAML as we write it: block style, no anchors, no line folding (stable diffs),
 * exactly as js-yaml's `dump` writes it with these options.
 *
 * Why not call js-yaml for everything: dumping was a fifth of the synth. js-yaml
 * builds an AST, styles every scalar through a chain of Unicode regular
 * expressions and pays a setup cost per call (values.yaml alone makes hundreds
 * of calls). The JSON-shaped documents we write (plain objects, arrays, strings,
 * numbers, booleans, null) are written here directly; the decisions that need
 * YAML's rules are still js-yaml's:
 * - whether a string may stay plain is asked of js-yaml's own dump schema (a
 *   string that would read back as a number, boolean, null or date is quoted);
 * - every string outside the common safe shapes is styled by js-yaml itself
 *   (once per distinct string), and used as it styles it;
 * - anything else (another type, a key with a line break, a block scalar with
 *   trailing blank lines) sends the whole document to js-yaml.
 * test/yaml.test.ts holds both writers to the same bytes, on every object the
 * synth renders and on random documents built from YAML's awkward characters.
 */
import * as yaml from 'js-yaml';

const DUMP_OPTIONS: yaml.DumpOptions = { noRefs: true, lineWidth: -1, quoteStyle: 'double' };
const STRING_TAG = 'tag:yaml.org,2002:str';
const INDENT = 2;

/** Thrown inside the fast writer when a document needs js-yaml as a whole. */
const NEEDS_JS_YAML = Symbol('needs js-yaml');

export function toYaml(doc: unknown): string {
  return fastYaml(doc) ?? yaml.dump(doc, DUMP_OPTIONS);
}

export function toYamlStream(docs: readonly unknown[]): string {
  let out = '';
  for (const d of docs) out += `---\n${toYaml(d)}`;
  return out;
}

/** The document as js-yaml would dump it, or undefined where only js-yaml can tell. */
export function fastYaml(doc: unknown): string | undefined {
  if (doc === null || typeof doc !== 'object') return undefined;
  try {
    return node(doc, 0, true) + '\n';
  } catch (e) {
    if (e === NEEDS_JS_YAML) return undefined;
    throw e;
  }
}

function node(value: unknown, level: number, compact: boolean): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return value.includes('\n') ? multiLine(value, level) : oneLine(value);
    case 'number':
      return number(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (Array.isArray(value)) return value.length ? sequence(value, level, compact) : '[]';
      if (!isPlainObject(value)) throw NEEDS_JS_YAML;
      return mapping(value as Record<string, unknown>, level, compact);
    default:
      throw NEEDS_JS_YAML;
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const newLine = (level: number): string => '\n' + ' '.repeat(INDENT * level);

function sequence(items: readonly unknown[], level: number, compact: boolean): string {
  let out = '';
  for (let i = 0; i < items.length; i++) {
    if (!compact || i > 0) out += newLine(level);
    const item = node(items[i], level + 1, true);
    out += item === '' || item.charCodeAt(0) === 10 ? '-' : '- ';
    out += item;
  }
  return out;
}

function mapping(map: Record<string, unknown>, level: number, compact: boolean): string {
  const keys = Object.keys(map);
  if (keys.length === 0) return '{}';
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    // A key on several lines or longer than 1024 characters becomes an explicit `? key` pair.
    if (key.length > 1024 || key.includes('\n')) throw NEEDS_JS_YAML;
    if (!compact || i > 0) out += newLine(level);
    const value = node(map[key], level + 1, false);
    out += oneLine(key);
    out += value === '' || value.charCodeAt(0) === 10 ? ':' : ': ';
    out += value;
  }
  return out;
}

function number(n: number): string {
  const text = String(n);
  // js-yaml writes exponents, -0, NaN and the infinities its own way (1.e+21, -0.0, .nan, .inf).
  if (Number.isFinite(n) && !Object.is(n, -0) && !text.includes('e')) return text;
  return jsYamlScalar(n);
}

/**
 * Printable ASCII that YAML reads as plain text in a block (unless it reads as
 * another type): not starting with an indicator (`-?:,[]{}#&*!|>'"%@\``) or a
 * space, no `: `, ` #` or trailing space or colon.
 */
const SAFE_PLAIN = /^[A-Za-z0-9_./$(+<~^][\x20-\x7E]*$/;
const UNSAFE_IN_PLAIN = /: | #|[ :]$/;
/** `---` or `...` open a line that YAML reads as a document marker at the top level. */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?=$|[ \t\n\r])/;

/** One-line strings as written, by string: the same keys and values recur in every object. */
const oneLineStyled = new Map<string, string>();

function oneLine(s: string): string {
  let text = oneLineStyled.get(s);
  if (text === undefined) {
    // js-yaml styles a one-line string alike wherever it stands, except a marker at the top level.
    if (DOCUMENT_MARKER.test(s)) throw NEEDS_JS_YAML;
    const plain = SAFE_PLAIN.test(s) && !UNSAFE_IN_PLAIN.test(s) && yaml.DUMP_SCHEMA.resolveImplicitScalarTag(s).tag.tagName === STRING_TAG;
    text = plain ? s : jsYamlScalar(s);
    oneLineStyled.set(s, text);
  }
  return text;
}

/**
 * Line feeds and what js-yaml counts as printable (its isPrintable: ASCII
 * from space to tilde; U+00A1 to U+D7FF but the line and paragraph separators;
 * U+E000 to U+FFFD but the byte-order mark; the astral planes), with something
 * other than spaces: always a literal block. A dashboard with one arrow in it
 * then skips js-yaml's scan of its 100 kB (test/yaml.test.ts fuzzes both).
 */
const LITERAL_SAFE = /^[\n\x20-\x7E\xA1-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

function multiLine(s: string, level: number): string {
  // A block scalar kept with trailing blank lines ends the document with `...`; js-yaml's business.
  if (s === '\n' || s.endsWith('\n\n')) throw NEEDS_JS_YAML;
  const literal = (LITERAL_SAFE.test(s) && /[^ \n]/.test(s)) || jsYamlScalar(s).startsWith('|');
  if (!literal) return jsYamlScalar(s); // double-quoted, with escapes: the same at any depth
  return literalBlock(s, level);
}

function literalBlock(s: string, level: number): string {
  const indent = ' '.repeat(INDENT * Math.max(1, level));
  // The indentation is stated when the first line starts with a space (it cannot be guessed).
  const indicator = /^\n* /.test(s) ? String(INDENT) : '';
  const chomping = s.endsWith('\n') ? '' : '-';
  // Every line indented but the empty ones; the last line break is the header's chomping.
  const body = (s.charCodeAt(0) === 10 ? '' : indent) + s.replace(/\n(?=[^\n])/g, `\n${indent}`);
  return `|${indicator}${chomping}\n${chomping ? body : body.slice(0, -1)}`;
}

const styledByJsYaml = new Map<string | number, string>();

/** A scalar as js-yaml writes it alone (a one-line or quoted scalar reads the same in any place). */
function jsYamlScalar(value: string | number): string {
  let text = styledByJsYaml.get(value);
  if (text === undefined) {
    text = yaml.dump(value, DUMP_OPTIONS).slice(0, -1);
    styledByJsYaml.set(value, text);
  }
  return text;
}
