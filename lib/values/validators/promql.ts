/**
 * PromQL as Prometheus loads it from a rule file: the expression parses
 * (lezer-promql, Prometheus' own grammar for its web UI), its string literals
 * use only Go's escapes, its regex matchers and label_replace regexes are RE2,
 * and its durations are in range.
 */
import type { SyntaxNode } from '@lezer/common' with { 'resolution-mode': 'import' };
import type { parser as PromqlParser } from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };
import { durationMs } from '../../prometheus/duration';
import { quote } from './input';
import { promqlTypeProblem } from './promql-types';
import { RE2JS } from 're2js';
import { re2Problem } from './regex';
import { remembered } from './remembered';

// The package is ESM with a CommonJS build; require keeps this file CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: typeof PromqlParser };

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** The value of a PromQL string literal, or an error for an escape Go does not know. */
export function unquotePromql(literal: string): { value: string } | { error: string } {
  const q = literal[0];
  const body = literal.slice(1, -1);
  if (q === '`') return { value: body };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    let m: RegExpExecArray | null;
    if (e !== undefined && e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
    else if (e === q) out += q;
    else if ((m = /^x([0-9a-fA-F]{2})|^([0-7]{3})|^u([0-9a-fA-F]{4})|^U([0-9a-fA-F]{8})/.exec(body.slice(i)))) {
      const code = parseInt(m[1] ?? m[3] ?? m[4] ?? m[2], m[2] ? 8 : 16);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return { error: `invalid escape \\${m[0]}` };
      out += String.fromCodePoint(code);
      i += m[0].length - 1;
    } else return { error: `unknown escape sequence \\${e ?? ''}` };
  }
  return { value: out };
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** What Prometheus would refuse in `expr`, or undefined. */
export const promqlProblem = remembered(function promqlProblem(expr: string): string | undefined {
  const tree = parser.parse(expr);
  const text = (n: SyntaxNode): string => expr.slice(n.from, n.to);
  const problems: string[] = [];
  const near = (n: { from: number; to: number }): string => quote(expr.slice(Math.max(0, n.from - 15), n.to + 15), 50);
  tree.iterate({
    enter: (ref) => {
      if (problems.length) return false;
      const n = ref.node;
      if (n.type.isError) {
        problems.push(`not valid PromQL: syntax error at character ${n.from + 1} near ${near(n)}`);
        return false;
      }
      if (n.name === 'StringLiteral') {
        const s = unquotePromql(text(n));
        if ('error' in s) problems.push(`not valid PromQL: ${s.error} in the string at character ${n.from + 1}`);
      }
      if (n.name === 'NumberDurationLiteralInDurationContext' && /^[0-9]+[a-z]/.test(text(n))) {
        try {
          durationMs(text(n));
        } catch (e) {
          problems.push(`not valid PromQL: ${(e as Error).message}`);
        }
      }
      if (n.name === 'UnquotedLabelMatcher' || n.name === 'QuotedLabelMatcher') {
        const op = children(n).find((c) => c.name === 'MatchOp');
        const value = children(n).filter((c) => c.name === 'StringLiteral').pop();
        if (op && value && /~/.test(text(op))) regexLiteral(value);
      }
      if (n.name === 'FunctionCall' && children(n).find((c) => c.name === 'FunctionIdentifier' && text(c) === 'label_replace')) {
        const body = children(n).find((c) => c.name === 'FunctionCallBody');
        const strings = body ? children(body).filter((c) => c.name === 'StringLiteral') : [];
        if (strings.length === 4) regexLiteral(strings[3]);
      }
      return undefined;
    },
  });
  function regexLiteral(n: SyntaxNode): void {
    const s = unquotePromql(text(n));
    if ('value' in s) {
      const problem = re2Problem(s.value);
      if (problem) problems.push(`not valid PromQL: a regex at character ${n.from + 1}: ${problem}`);
    }
  }
  if (problems.length) return problems[0];
  const typeProblem = promqlTypeProblem(tree.topNode, text);
  return typeProblem ? `not valid PromQL: ${typeProblem}` : undefined;
});

/**
 * What Prometheus would refuse as a series selector (`match[]` of /federate,
 * `/api/v1/series`): valid PromQL that is a plain instant vector selector with
 * at least one matcher that does not match the empty string.
 */
export const seriesSelectorProblem = remembered(function seriesSelectorProblem(expr: string): string | undefined {
  const problem = promqlProblem(expr);
  if (problem) return problem;
  const top = parser.parse(expr).topNode.firstChild;
  if (top?.name !== 'VectorSelector') return 'expected a series selector such as {job="pynomaly-api"} or up{job=~"a|b"} (no functions, operators or ranges)';
  if (children(top).some((c) => c.name === 'Identifier')) return undefined;
  const matchers: SyntaxNode[] = [];
  const walk = (n: SyntaxNode): void => {
    if (n.name === 'UnquotedLabelMatcher' || n.name === 'QuotedLabelMatcher') matchers.push(n);
    children(n).forEach(walk);
  };
  walk(top);
  const matchesEmpty = (m: SyntaxNode): boolean => {
    const op = expr.slice(children(m).find((c) => c.name === 'MatchOp')?.from ?? 0, children(m).find((c) => c.name === 'MatchOp')?.to ?? 0);
    const literal = children(m).filter((c) => c.name === 'StringLiteral').pop();
    const s = literal ? unquotePromql(expr.slice(literal.from, literal.to)) : { value: '' };
    const value = 'value' in s ? s.value : '';
    if (op === '=') return value === '';
    if (op === '!=') return value !== '';
    const empty = RE2JS.compile(`(?s:${value})`).matches('');
    return op === '=~' ? empty : !empty;
  };
  if (!matchers.length || matchers.every(matchesEmpty)) return 'expected at least one matcher that does not match the empty string (Prometheus refuses {} and {job=~".*"})';
  return undefined;
});
