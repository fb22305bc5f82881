/**
 * PromQL's type rules over lezer-promql's syntax tree, which the grammar does
 * not enforce but Prometheus does when it loads a rule: argument types and
 * counts of functions and aggregations, ranges only on selectors, binary
 * operators on scalars and instant vectors only, and a rule's result an
 * instant vector or a scalar. Functions not listed are not checked.
 */
import type { SyntaxNode } from '@lezer/common' with { 'resolution-mode': 'import' };

type ValueType = 'scalar' | 'vector' | 'matrix' | 'string' | 'any';

const TYPE_NAMES: Record<ValueType, string> = { scalar: 'scalar', vector: 'instant vector', matrix: 'range vector', string: 'string', any: 'any' };
const CODE: Record<string, ValueType> = { s: 'scalar', v: 'vector', m: 'matrix', t: 'string' };

/**
 * Signatures: argument types (s scalar, v instant vector, m range vector, t
 * string; `?` the previous one is optional, `*` it repeats), then `:` and the result.
 */
const FUNCTIONS: Record<string, string> = {
  ...Object.fromEntries(
    ['abs', 'absent', 'ceil', 'exp', 'floor', 'ln', 'log10', 'log2', 'sgn', 'sort', 'sort_desc', 'sqrt', 'timestamp', 'deg', 'rad',
      'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cos', 'cosh', 'sin', 'sinh', 'tan', 'tanh'].map((f) => [f, 'v:v']),
  ),
  ...Object.fromEntries(
    ['absent_over_time', 'avg_over_time', 'changes', 'count_over_time', 'delta', 'deriv', 'idelta', 'increase', 'irate',
      'last_over_time', 'max_over_time', 'min_over_time', 'present_over_time', 'rate', 'resets', 'stddev_over_time',
      'stdvar_over_time', 'sum_over_time'].map((f) => [f, 'm:v']),
  ),
  ...Object.fromEntries(['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year'].map((f) => [f, 'v?:v'])),
  clamp: 'vss:v',
  clamp_max: 'vs:v',
  clamp_min: 'vs:v',
  histogram_quantile: 'sv:v',
  holt_winters: 'mss:v',
  label_join: 'vttt*:v',
  label_replace: 'vtttt:v',
  pi: ':s',
  predict_linear: 'ms:v',
  quantile_over_time: 'sm:v',
  round: 'vs?:v',
  scalar: 'v:s',
  time: ':s',
  vector: 's:v',
};

/** Aggregations that take a parameter before the vector. */
const AGGREGATION_PARAMETER: Record<string, ValueType> = { topk: 'scalar', bottomk: 'scalar', quantile: 'scalar', limitk: 'scalar', limit_ratio: 'scalar', count_values: 'string' };

const SET_OPERATORS = new Set(['And', 'Or', 'Unless']);
const COMPARISONS = new Set(['Eql', 'Neq', 'Gtr', 'Lss', 'Gte', 'Lte']);

class TypeError_ extends Error {}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** The type error Prometheus would report for the expression rooted at `root` (lezer's PromQL node), or undefined. */
export function promqlTypeProblem(root: SyntaxNode, text: (n: SyntaxNode) => string): string | undefined {
  const fail = (message: string): never => {
    throw new TypeError_(message);
  };
  const expect = (got: ValueType, want: ValueType, where: string): void => {
    if (got !== 'any' && want !== 'any' && got !== want) fail(`expected type ${TYPE_NAMES[want]} in ${where}, got ${TYPE_NAMES[got]}`);
  };
  const args = (body: SyntaxNode | undefined): SyntaxNode[] => (body ? children(body) : []);

  const typeOf = (n: SyntaxNode): ValueType => {
    const kids = children(n);
    switch (n.name) {
      case 'PromQL':
      case 'ParenExpr':
      case 'StepInvariantExpr':
      case 'OffsetExpr':
        return typeOf(kids[0]);
      case 'VectorSelector':
        return 'vector';
      case 'MatrixSelector':
        if (kids[0]?.name !== 'VectorSelector') fail('ranges are only allowed for vector selectors (use a subquery, [5m:])');
        return 'matrix';
      case 'SubqueryExpr':
        expect(typeOf(kids[0]), 'vector', 'a subquery');
        return 'matrix';
      case 'NumberDurationLiteral':
        return 'scalar';
      case 'StringLiteral':
        return 'string';
      case 'UnaryExpr': {
        const t = typeOf(kids[kids.length - 1]);
        if (t !== 'scalar' && t !== 'vector' && t !== 'any') fail(`unary expression only allowed on scalars and instant vectors, got ${TYPE_NAMES[t]}`);
        return t;
      }
      case 'BinaryExpr': {
        const [lhs, op] = kids;
        const rhs = kids[kids.length - 1];
        const l = typeOf(lhs);
        const r = typeOf(rhs);
        for (const t of [l, r]) if (t === 'string' || t === 'matrix') fail(`binary expression must contain only scalar and instant vector types, got ${TYPE_NAMES[t]}`);
        if (SET_OPERATORS.has(op.name) && (l === 'scalar' || r === 'scalar')) fail(`set operator ${text(op)} not allowed in binary scalar expression`);
        if (kids.some((k) => k.name === 'MatchingModifierClause') && (l === 'scalar' || r === 'scalar')) fail('vector matching only allowed between instant vectors');
        const bool = kids.some((k) => k.name === 'BoolModifier');
        if (COMPARISONS.has(op.name) && l === 'scalar' && r === 'scalar' && !bool) fail('comparisons between scalars must use the bool modifier');
        return l === 'vector' || r === 'vector' ? 'vector' : l === 'any' || r === 'any' ? 'any' : 'scalar';
      }
      case 'AggregateExpr': {
        const op = text(kids[0]);
        const given = args(kids.find((k) => k.name === 'FunctionCallBody'));
        const parameter = AGGREGATION_PARAMETER[op];
        const want: ValueType[] = parameter ? [parameter, 'vector'] : ['vector'];
        if (given.length !== want.length) fail(`wrong number of arguments for aggregate expression ${op}: expected ${want.length}, got ${given.length}`);
        given.forEach((a, i) => expect(typeOf(a), want[i], `aggregation ${op}`));
        return 'vector';
      }
      case 'FunctionCall': {
        const name = text(kids.find((k) => k.name === 'FunctionIdentifier')!);
        const given = args(kids.find((k) => k.name === 'FunctionCallBody'));
        const signature = FUNCTIONS[name];
        if (!signature) {
          given.forEach(typeOf);
          return 'any';
        }
        const [params, result] = signature.split(':');
        const want: { type: ValueType; optional: boolean; repeats: boolean }[] = [];
        for (const c of params) {
          if (c === '?') want[want.length - 1].optional = true;
          else if (c === '*') want[want.length - 1].repeats = true;
          else want.push({ type: CODE[c], optional: false, repeats: false });
        }
        const min = want.filter((w) => !w.optional && !w.repeats).length;
        const max = want.some((w) => w.repeats) ? Infinity : want.length;
        if (given.length < min || given.length > max) fail(`wrong number of arguments for function ${name}(): expected ${min === max ? min : `${min} or more`}, got ${given.length}`);
        given.forEach((a, i) => expect(typeOf(a), want[Math.min(i, want.length - 1)].type, `call to function ${name}()`));
        return CODE[result];
      }
      default:
        kids.forEach(typeOf);
        return 'any';
    }
  };

  try {
    const result = typeOf(root);
    if (result === 'matrix' || result === 'string') return `a rule's expression must be an instant vector or a scalar, got ${TYPE_NAMES[result]}`;
    return undefined;
  } catch (e) {
    if (e instanceof TypeError_) return e.message;
    throw e;
  }
}
