/**
 * The subset of Prometheus' alert templating our rules use, reimplemented so a
 * promtool test can state the exact annotations an alert must carry:
 * `{{ $labels.name }}`, `{{ $value }}` and `{{ $value | f }}` with f one of
 * humanize, humanize1024, humanizePercentage, humanizeDuration. These follow
 * Prometheus' template/template.go (Go's `%.4g`); promtool proves the match.
 * Anything else in a template is an error, which keeps rules in the subset.
 */

const ACTION = /\{\{\s*(.*?)\s*\}\}/g;

export type TemplateFunction = 'humanize' | 'humanize1024' | 'humanizePercentage' | 'humanizeDuration';

const FUNCTIONS: Record<TemplateFunction, (v: number) => string> = {
  humanize,
  humanize1024,
  humanizePercentage: (v) => `${goG4(v * 100)}%`,
  humanizeDuration,
};

/** Expands one annotation or label template for an alert with these labels and value. */
export function expandTemplate(text: string, labels: Readonly<Record<string, string>>, value: number): string {
  return text.replace(ACTION, (_all, action: string) => {
    const label = /^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(action);
    if (label) {
      const v = labels[label[1]];
      if (v === undefined) throw new Error(`template ${JSON.stringify(text)}: the alert has no label ${label[1]} (Go would print <no value>)`);
      return v;
    }
    if (action === '$value') return goShortest(value);
    const piped = /^\$value\s*\|\s*([a-zA-Z0-9]+)$/.exec(action);
    if (piped && piped[1] in FUNCTIONS) return FUNCTIONS[piped[1] as TemplateFunction](value);
    throw new Error(`template ${JSON.stringify(text)}: {{ ${action} }} is outside the supported subset`);
  });
}

/** Label names a template reads via `$labels.x`. */
export function templateLabels(text: string): string[] {
  return [...text.matchAll(/\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)/g)].map((m) => m[1]);
}

/** Go's `fmt.Sprintf("%.4g", v)`. */
export function goG4(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  const { digits, exp } = roundSignificant(Math.abs(v), 4);
  if (exp < -4 || exp >= 4) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  // Fixed notation with the significant digits only (Go drops trailing zeros).
  const pointAt = exp + 1;
  if (pointAt <= 0) return `${sign}0.${'0'.repeat(-pointAt)}${digits}`;
  if (digits.length <= pointAt) return `${sign}${digits}${'0'.repeat(pointAt - digits.length)}`;
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/**
 * `v` (> 0) rounded to `precision` significant digits as Go's strconv does:
 * from the exact decimal expansion, ties to even (JS rounds ties up).
 * Returns the digits without trailing zeros and the decimal exponent.
 */
function roundSignificant(v: number, precision: number): { digits: string; exp: number } {
  const [mantissa, expText] = v.toExponential(99).split('e');
  let exp = Number(expText);
  const all = mantissa.replace('.', '');
  const head = all.slice(0, precision);
  const rest = all.slice(precision);
  const last = Number(head[head.length - 1]);
  const up = rest[0] > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || last % 2 === 1));
  let digits = head;
  if (up) {
    const n = (BigInt(head) + 1n).toString();
    if (n.length > precision) {
      exp += 1;
      digits = n.slice(0, precision);
    } else {
      digits = n.padStart(precision, '0');
    }
  }
  return { digits: digits.replace(/0+$/, '') || '0', exp };
}

/**
 * Go's `%v` of a float64 (strconv 'g' with the shortest digits, exponent form
 * below 1e-4 and from 1e6): what `{{ $value }}` prints.
 */
export function goShortest(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const exp = v === 0 ? 0 : Number(v.toExponential().split('e')[1]);
  if (exp < -4 || exp >= 6) {
    const [m, e] = v.toExponential().split('e');
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${Math.abs(n).toString().padStart(2, '0')}`;
  }
  return String(v);
}

function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return goG4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return `${goG4(v)}${prefix}`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${goG4(v)}${prefix}`;
}

function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return goG4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return `${goG4(v)}${prefix}`;
}

function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return goG4(v);
  if (v === 0) return `${goG4(v)}s`;
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    const abs = Math.abs(v);
    const whole = Math.trunc(abs);
    const seconds = whole % 60;
    const minutes = Math.trunc(whole / 60) % 60;
    const hours = Math.trunc(whole / 3600) % 24;
    const days = Math.trunc(whole / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${goG4(abs)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${goG4(v)}${prefix}s`;
}
