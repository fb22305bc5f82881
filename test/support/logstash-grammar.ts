/**
 * A recognizer of Logstash's config language, written rule for rule after the
 * PEG grammar Logstash parses pipelines with
 * (logstash-core/lib/logstash/config/grammar.treetop: config, plugin_section,
 * plugin, attribute, value, bareword, strings, regexp, number, array, hash,
 * branch/if/else if/else, condition, expression, negative/in/not in/compare/
 * regexp expressions, rvalue, method_call, selector). Ordered choice and
 * backtracking as in PEG. It returns the plugins it saw (section, name,
 * attributes) so tests can read the parsed pipeline, and throws at the first
 * position the grammar rejects.
 *
 * Not covered: what Logstash checks after parsing (that a plugin exists, its
 * option names and types, regexp and grok pattern compilation, ${VAR}
 * substitution).
 */

export type LsValue = string | number | LsValue[] | { [k: string]: LsValue } | { plugin: string };

export interface LsPlugin {
  readonly section: 'input' | 'filter' | 'output';
  readonly name: string;
  readonly attributes: Readonly<Record<string, LsValue>>;
  /** Conditions of the branches it is nested in, outermost first. */
  readonly conditions: readonly string[];
}

class Fail extends Error {}

export function parseLogstashConfig(text: string): LsPlugin[] {
  let pos = 0;
  let furthest = 0;
  const plugins: LsPlugin[] = [];
  const conditions: string[] = [];
  let section: LsPlugin['section'] = 'input';

  const fail = (): never => {
    furthest = Math.max(furthest, pos);
    throw new Fail();
  };
  const attempt = <T>(f: () => T): T | undefined => {
    const start = pos;
    const saved = plugins.length;
    const savedConditions = conditions.length;
    try {
      // A rule that returns nothing succeeded all the same: undefined is reserved for failure.
      return f() ?? (true as T);
    } catch (e) {
      if (!(e instanceof Fail)) throw e;
      pos = start;
      plugins.length = saved;
      conditions.length = savedConditions;
      return undefined;
    }
  };
  const lit = (s: string): string => (text.startsWith(s, pos) ? ((pos += s.length), s) : fail());
  const rx = (r: RegExp): string => {
    r.lastIndex = pos;
    const m = r.exec(text);
    if (!m || m.index !== pos) return fail();
    pos += m[0].length;
    return m[0];
  };
  const many = <T>(f: () => T): T[] => {
    const out: T[] = [];
    for (;;) {
      const start = pos;
      const v = attempt(f);
      if (v === undefined || pos === start) return out;
      out.push(v);
    }
  };

  // whitespace: [ \t\r\n]+ ; comment: (whitespace? "#" [^\r\n]* newline_or_eoi)+ ; cs: (comment / whitespace)*
  const whitespace = () => rx(/[ \t\r\n]+/y);
  const comment = () => rx(/(?:[ \t\r\n]*#[^\r\n]*(?:\r?\n|$))+/y);
  const cs = () => many(() => attempt(comment) ?? whitespace());

  const bareword = () => rx(/[A-Za-z_][A-Za-z0-9_]+/y);
  const dq = () => rx(/"(?:\\"|[^"])*"/y);
  const sq = () => rx(/'(?:\\'|[^'])*'/y);
  const string = (): string => {
    const s = attempt(dq) ?? sq();
    return s.slice(1, -1);
  };
  const regexp = () => rx(/\/(?:\\\/|[^/])*\//y);
  const number = () => Number(rx(/-?[0-9]+(?:\.[0-9]*)?/y));
  const name = (): string => attempt(() => rx(/[A-Za-z0-9_-]+/y)) ?? string();

  const array = (): LsValue[] => {
    lit('[');
    cs();
    const items: LsValue[] = [];
    attempt(() => {
      items.push(value());
      items.push(...many(() => (cs(), lit(','), cs(), value())));
    });
    cs();
    lit(']');
    return items;
  };
  const hash = (): Record<string, LsValue> => {
    lit('{');
    cs();
    const out: Record<string, LsValue> = {};
    const entry = () => {
      const k = attempt(() => String(number())) ?? attempt(bareword) ?? string();
      cs();
      lit('=>');
      cs();
      out[k] = value();
    };
    attempt(() => {
      entry();
      many(() => (cs(), entry()));
    });
    cs();
    lit('}');
    return out;
  };
  const value = (): LsValue => attempt(() => ({ plugin: plugin(false) })) ?? attempt(bareword) ?? attempt(string) ?? attempt(number) ?? attempt(array) ?? hash();

  const plugin = (record = true): string => {
    const n = name();
    cs();
    lit('{');
    cs();
    const attributes: Record<string, LsValue> = {};
    const attribute = () => {
      const k = name();
      cs();
      lit('=>');
      cs();
      attributes[k] = value();
    };
    attempt(() => {
      attribute();
      many(() => (whitespace(), cs(), attribute()));
    });
    cs();
    lit('}');
    if (record) plugins.push({ section, name: n, attributes, conditions: [...conditions] });
    return n;
  };

  // Conditions
  const selector = () => rx(/(?:\[[^\][,]+\])+/y);
  const rvalue = (): string => attempt(() => `"${string()}"`) ?? attempt(() => String(number())) ?? attempt(selector) ?? attempt(() => JSON.stringify(array())) ?? attempt(methodCall) ?? regexp();
  const methodCall = (): string => {
    const m = bareword();
    cs();
    lit('(');
    cs();
    attempt(() => {
      rvalue();
      many(() => (cs(), lit(','), cs(), rvalue()));
    });
    cs();
    lit(')');
    return `${m}(...)`;
  };
  const binary = (op: () => string, rhs: () => string) => () => {
    rvalue();
    cs();
    op();
    cs();
    rhs();
  };
  const expression = (): void => {
    const alternatives: (() => unknown)[] = [
      () => (lit('('), cs(), condition(), cs(), lit(')')),
      () => (lit('!'), cs(), attempt(() => (lit('('), cs(), condition(), cs(), lit(')'))) ?? selector()),
      binary(() => lit('in'), rvalue),
      binary(() => (lit('not '), cs(), lit('in')), rvalue),
      binary(() => attempt(() => lit('==')) ?? attempt(() => lit('!=')) ?? attempt(() => lit('<=')) ?? attempt(() => lit('>=')) ?? attempt(() => lit('<')) ?? lit('>'), rvalue),
      binary(() => attempt(() => lit('=~')) ?? lit('!~'), () => attempt(() => `"${string()}"`) ?? regexp()),
      rvalue,
    ];
    for (const alt of alternatives) if (attempt(alt) !== undefined) return;
    fail();
  };
  const condition = (): string => {
    const start = pos;
    expression();
    many(() => (cs(), attempt(() => lit('and')) ?? attempt(() => lit('or')) ?? attempt(() => lit('xor')) ?? lit('nand'), cs(), expression()));
    return text.slice(start, pos);
  };
  const block = (cond: string | undefined) => {
    if (cond !== undefined) conditions.push(cond);
    cs();
    lit('{');
    cs();
    many(() => (branchOrPlugin(), cs()));
    lit('}');
    if (cond !== undefined) conditions.pop();
  };
  const branch = (): string => {
    lit('if');
    cs();
    const c = condition();
    block(c);
    many(() => (cs(), lit('else'), cs(), lit('if'), cs(), block(condition())));
    attempt(() => (cs(), lit('else'), block(`not (${c})`)));
    return 'branch';
  };
  const branchOrPlugin = (): string => attempt(branch) ?? plugin();

  const pluginSection = () => {
    section = (attempt(() => lit('input')) ?? attempt(() => lit('filter')) ?? lit('output')) as LsPlugin['section'];
    cs();
    lit('{');
    cs();
    many(() => (branchOrPlugin(), cs()));
    lit('}');
  };

  try {
    cs();
    pluginSection();
    cs();
    many(() => (cs(), pluginSection()));
    cs();
    if (pos !== text.length) fail();
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    const at = Math.max(furthest, pos);
    const line = text.slice(0, at).split('\n').length;
    throw new Error(`Logstash config grammar rejects line ${line}: ${text.split('\n')[line - 1]}`);
  }
  return plugins;
}
