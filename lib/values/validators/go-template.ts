/**
 * Go text/template syntax as Prometheus parses alert label and annotation
 * templates (promtool check rules, and the server at load): actions closed,
 * strings terminated, parentheses balanced, if/range/with/define/block closed
 * by end, only defined functions and variables. A parse-time check: what
 * fails here would make Prometheus reject the whole rule file.
 */
import { quote } from './input';

/** Go's built-in template functions. */
const GO_FUNCTIONS = ['and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery', 'eq', 'ge', 'gt', 'le', 'lt', 'ne'];

/** Prometheus' template functions (template/template.go), those Prometheus 2.42 and 3.x both know. */
export const PROMETHEUS_TEMPLATE_FUNCTIONS: ReadonlySet<string> = new Set([
  ...GO_FUNCTIONS,
  'query', 'first', 'label', 'value', 'strvalue', 'args', 'reReplaceAll', 'safeHtml', 'match', 'title', 'toUpper', 'toLower',
  'graphLink', 'tableLink', 'sortByLabel', 'humanize', 'humanize1024', 'humanizeDuration', 'humanizePercentage',
  'humanizeTimestamp', 'toTime', 'pathPrefix', 'externalURL', 'parseDuration', 'stripPort',
]);

/** Variables Prometheus defines before expanding an alert template. */
export const PROMETHEUS_TEMPLATE_VARIABLES: readonly string[] = ['$', '$labels', '$externalLabels', '$externalURL', '$value'];

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'false']);
const OPENERS = new Set(['if', 'range', 'with', 'define', 'block']);

/** The parse error Go would report for `text`, or undefined. */
export function goTemplateProblem(
  text: string,
  functions: ReadonlySet<string> = PROMETHEUS_TEMPLATE_FUNCTIONS,
  variables: readonly string[] = PROMETHEUS_TEMPLATE_VARIABLES,
): string | undefined {
  const declared = new Set(variables);
  const stack: string[] = [];
  let i = 0;
  const fail = (what: string): string => `not a valid Go template: ${what}`;
  for (;;) {
    const open = text.indexOf('{{', i);
    if (open < 0) break;
    let p = open + 2;
    if (text.startsWith('- ', p) || text.startsWith('-\t', p) || text.startsWith('-\n', p)) p += 2;
    // A comment: {{/* ... */}}, nothing else in the action.
    if (text.startsWith('/*', p)) {
      const close = text.indexOf('*/', p + 2);
      if (close < 0) return fail('unclosed comment');
      const rest = /^\s*(-\s*)?\}\}/.exec(text.slice(close + 2, close + 80));
      if (!rest) return fail('comment ends before the closing }}');
      i = close + 2 + rest[0].length;
      continue;
    }
    // Tokenize the action up to its closing }}.
    const tokens: string[] = [];
    let depth = 0;
    let closed = false;
    while (p < text.length) {
      const c = text[p];
      if (text.startsWith('}}', p) || (c === '-' && /^-\s+\}\}/.test(text.slice(p, p + 64)) && /\s/.test(text[p - 1] ?? ''))) {
        p = text.indexOf('}}', p) + 2;
        closed = true;
        break;
      }
      if (/\s/.test(c)) {
        p++;
        continue;
      }
      if (c === '"' || c === "'" || c === '`') {
        const end = stringEnd(text, p);
        if (end < 0) return fail(c === '`' ? 'unterminated raw quoted string' : 'unterminated quoted string');
        tokens.push(c);
        p = end;
        continue;
      }
      if (c === '(') depth++;
      if (c === ')' && --depth < 0) return fail('unexpected right paren');
      const word = /^(\$[A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*|\.[A-Za-z0-9_.]*|:=|=|[|(),]|[-+0-9.][0-9A-Za-z_.+-]*)/.exec(text.slice(p, p + 256));
      if (!word) return fail(`unexpected ${quote(c)} in an action`);
      tokens.push(word[0]);
      p += word[0].length;
    }
    if (!closed) return fail('unclosed action');
    if (depth !== 0) return fail('unclosed left paren');
    if (tokens.length === 0) return fail('missing value for command');
    const head = tokens[0];
    if (head === 'end') {
      if (!stack.pop()) return fail('unexpected {{end}}');
    } else if (head === 'else') {
      const top = stack[stack.length - 1];
      if (top === undefined || top === 'define' || top === 'block') return fail('unexpected {{else}}');
    } else if (OPENERS.has(head)) {
      stack.push(head);
    } else if ((head === 'break' || head === 'continue') && !stack.includes('range')) {
      return fail(`{{${head}}} outside {{range}}`);
    }
    for (let t = 0; t < tokens.length; t++) {
      const token = tokens[t];
      if (token.startsWith('$')) {
        const name = /^\$[A-Za-z0-9_]*/.exec(token)![0];
        if (tokens[t + 1] === ':=' || (tokens[t + 1] === ',' && tokens[t + 3] === ':=')) declared.add(name);
        else if (!declared.has(name)) return fail(`undefined variable "${name}"`);
      } else if (/^[A-Za-z_]/.test(token) && !KEYWORDS.has(token) && !functions.has(token)) {
        return fail(`function "${token}" not defined`);
      }
    }
    i = p;
  }
  if (stack.length) return fail(`unexpected EOF: {{${stack[stack.length - 1]}}} without {{end}}`);
  return undefined;
}

/** Index just past the string literal starting at `start`, or -1 when it never ends. */
function stringEnd(text: string, start: number): number {
  const q = text[start];
  for (let p = start + 1; p < text.length; p++) {
    const c = text[p];
    if (c === q) return p + 1;
    if (q !== '`' && c === '\\') p++;
    else if (q !== '`' && c === '\n') return -1;
  }
  return -1;
}
