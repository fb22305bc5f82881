/**
 * The Pynomaly log pipeline as data: the categories and their patterns, the
 * performance bands, the sensitive field names. `renderPipeline` turns them
 * into Logstash's config language; `classify` applies the same tables in
 * TypeScript, so a test can show which category a log line shaped like the
 * app's gets (see test/logstash.test.ts).
 *
 * Patterns are plain regular expressions matched case-insensitively: the
 * renderer prefixes Ruby's `(?i)`, `classify` uses the `i` flag. They use only
 * what Ruby (Onigmo) and JavaScript read alike: alternation, groups, classes,
 * `\b`, quantifiers.
 */
import { LOG_FIELDS } from '../catalog/logs';
import { dataStreamName, IndexFamily } from '../logs/indices';
import { LOGSTASH_INPUTS } from './constants';

/** Error categories, first match wins (authorization before validation: "invalid token"). */
export const ERROR_CATEGORIES = [
  { category: 'connectivity', pattern: 'connection (refused|reset|aborted|error)|timed? ?out|timeout|unreachable|name resolution|broken pipe' },
  { category: 'authorization', pattern: 'unauthori[sz]ed|forbidden|permission denied|access denied|not authenticated|invalid (token|credentials)|\\b(401|403)\\b' },
  { category: 'memory', pattern: 'out of memory|memoryerror|cannot allocate|\\boom\\b' },
  { category: 'database', pattern: 'database|\\bsql|postgres|psycopg|deadlock|integrityerror|operationalerror|\\bdb\\b' },
  { category: 'validation', pattern: 'validation|valueerror|invalid|malformed|schema|unprocessable|\\b422\\b' },
] as const;
export const UNKNOWN_ERROR_CATEGORY = 'unknown';

/** Levels that make a log line an error (Python level names). */
export const ERROR_LEVELS = ['ERROR', 'CRITICAL'] as const;

/** Performance bands by duration, in milliseconds; the last has no upper bound. */
export const PERFORMANCE_CATEGORIES = [
  { category: 'fast', belowMs: 100 },
  { category: 'normal', belowMs: 1000 },
  { category: 'slow', belowMs: 5000 },
  { category: 'very_slow' },
] as const;

/**
 * A duration in the message when the event has no `duration_ms` field:
 * "detection took 250.5ms", "completed in 1.2 s".
 */
export const DURATION_IN_MESSAGE = '(?<duration_value>[0-9]+(?:\\.[0-9]+)?) ?(?<duration_unit>ms|s)\\b';

/** Operation types, matched against logger, module, function and message; first match wins. */
export const OPERATION_TYPES = [
  { type: 'authentication', pattern: '\\bauth|login|logout|token|session|password' },
  { type: 'training', pattern: 'train|\\bfit\\b|\\bfitting\\b' },
  { type: 'detection', pattern: 'detect|anomal|predict|\\bscor' },
  { type: 'data_io', pattern: 'dataset|upload|download|export|import|\\bload|\\bsave|\\bread|\\bwrite|\\bdata_?io' },
] as const;
export const GENERAL_OPERATION = 'general';

/** Fields an operation type is looked for in. */
const OPERATION_FIELDS = [LOG_FIELDS.logger, LOG_FIELDS.module, LOG_FIELDS.function, LOG_FIELDS.message] as const;

/**
 * Field names never stored: credentials the app or a client might log. Matched
 * against top-level field names (the prune filter); request headers are
 * dropped as a whole.
 */
export const SENSITIVE_FIELD_NAMES = '^(.*_)?(password|passwd|pwd|token|secret|key|authorization|cookie|api_?key)$';

/** Where each index family's documents come from. */
export const OUTPUTS: readonly { family: IndexFamily; when?: string; why: string }[] = [
  { family: 'logs', why: 'every event' },
  { family: 'errors', when: '"error" in [tags]', why: 'errors, also' },
  { family: 'performance', when: `[${LOG_FIELDS.performanceCategory}]`, why: 'timed events, also' },
];

export interface PipelineInput {
  /** Elasticsearch URL (`https://elasticsearch.<ns>.svc:9200`). */
  readonly elasticsearchUrl: string;
  /** CA file of Elasticsearch's certificate, when it serves TLS. */
  readonly caFile?: string;
  /** Whether Logstash authenticates (user and password from ${ES_USER}/${ES_PASSWORD}). */
  readonly authenticate: boolean;
  readonly environment: string;
  readonly service: string;
}

/**
 * `${VAR}` references of the pipeline: ES_USER and ES_PASSWORD resolve from the Logstash keystore (index.ts), PIPELINE_VERSION from the
 * environment (unset: the app's own `version` field or `unknown`).
 */
export const PIPELINE_ENV = { user: 'ES_USER', password: 'ES_PASSWORD', version: 'PIPELINE_VERSION' } as const;

const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
/** A regexp literal for a conditional, case-insensitive. */
const re = (pattern: string): string => `/(?i)${pattern.replace(/\//g, '\\/')}/`;

function indent(lines: readonly string[], depth = 1): string[] {
  return lines.map((l) => (l ? '  '.repeat(depth) + l : l));
}

function chain<T>(items: readonly T[], cond: (t: T) => string, body: (t: T) => string[], otherwise: string[]): string[] {
  const out: string[] = [];
  items.forEach((item, i) => {
    out.push(`${i === 0 ? 'if' : '} else if'} ${cond(item)} {`, ...indent(body(item)));
  });
  out.push('} else {', ...indent(otherwise), '}');
  return out;
}

const setField = (field: string, value: string): string[] => [`mutate { add_field => { ${q(field)} => ${q(value)} } }`];

function inputs(): string[] {
  const i = LOGSTASH_INPUTS;
  return [
    'input {',
    ...indent([
      `${i.beats.plugin} { port => ${i.beats.port.port} }`,
      `${i.http.plugin} { port => ${i.http.port.port} codec => json }`,
      `${i.tcp.plugin} { port => ${i.tcp.port.port} codec => json_lines }`,
      `${i.udp.plugin} { port => ${i.udp.port.port} codec => json }`,
    ]),
    '}',
  ];
}

function filters(p: PipelineInput): string[] {
  const F = LOG_FIELDS;
  const body = [
    '# Beats ship the JSON line as the message: parse it.',
    `if [${F.message}] =~ /^\\s*\\{/ {`,
    ...indent([`json { source => ${q(F.message)} skip_on_invalid_json => true }`]),
    '}',
    `# The app's asctime (2025-07-07 12:00:00,123, UTC) becomes @timestamp; the original stays in ${F.sourceTimestamp}.`,
    `if [${F.sourceTimestamp}] {`,
    ...indent([`date { match => [${q(F.sourceTimestamp)}, "yyyy-MM-dd HH:mm:ss,SSS", "ISO8601"] target => "@timestamp" timezone => "UTC" }`]),
    '}',
    `if ![${F.service}] {`,
    ...indent(setField(F.service, p.service)),
    '}',
    ...setField(F.environment, p.environment),
    `if ![${F.version}] {`,
    ...indent(setField(F.version, `\${${PIPELINE_ENV.version}:unknown}`)),
    '}',
    '# Errors: tagged, with a category.',
    `if [${F.level}] in [${ERROR_LEVELS.map(q).join(', ')}] or [${F.exception}] {`,
    ...indent([
      'mutate { add_tag => ["error"] }',
      ...chain(
        ERROR_CATEGORIES,
        (c) => `[${F.message}] =~ ${re(c.pattern)} or [${F.exception}] =~ ${re(c.pattern)}`,
        (c) => setField(F.errorCategory, c.category),
        setField(F.errorCategory, UNKNOWN_ERROR_CATEGORY),
      ),
    ]),
    '}',
    '# Durations: duration_ms, else one found in the message; then a performance band.',
    'if ![duration_ms] {',
    ...indent([
      `grok { match => { ${q(F.message)} => ${q(DURATION_IN_MESSAGE)} } tag_on_failure => [] }`,
      'if [duration_value] {',
      ...indent([
        'ruby { code => "v = event.get(\'duration_value\').to_f; event.set(\'duration_ms\', event.get(\'duration_unit\') == \'s\' ? v * 1000 : v)" }',
        'mutate { remove_field => ["duration_value", "duration_unit"] }',
      ]),
      '}',
    ]),
    '}',
    'if [duration_ms] {',
    ...indent([
      'mutate { convert => { "duration_ms" => "float" } }',
      ...chain(
        PERFORMANCE_CATEGORIES.slice(0, -1) as readonly { category: string; belowMs: number }[],
        (c) => `[duration_ms] < ${c.belowMs}`,
        (c) => setField(F.performanceCategory, c.category),
        setField(F.performanceCategory, PERFORMANCE_CATEGORIES[PERFORMANCE_CATEGORIES.length - 1].category),
      ),
    ]),
    '}',
    '# Operation type.',
    ...chain(
      OPERATION_TYPES,
      (o) => OPERATION_FIELDS.map((f) => `[${f}] =~ ${re(o.pattern)}`).join(' or '),
      (o) => setField(F.operationType, o.type),
      setField(F.operationType, GENERAL_OPERATION),
    ),
    '# Credentials never reach Elasticsearch.',
    `prune { blacklist_names => [${q(`(?i)${SENSITIVE_FIELD_NAMES}`)}] }`,
    'mutate { remove_field => ["headers", "[http][request][headers]", "[event][original]"] }',
  ];
  return ['filter {', ...indent(body), '}'];
}

function elasticsearchOutput(p: PipelineInput, family: IndexFamily): string[] {
  return [
    'elasticsearch {',
    ...indent([
      `hosts => [${q(p.elasticsearchUrl)}]`,
      `index => ${q(dataStreamName(family, p.environment))}`,
      // A data stream (the bootstrap's index templates) takes only creates.
      'action => "create"',
      // Templates and ILM are installed by the bootstrap; Logstash must not install its own.
      'manage_template => false',
      'ilm_enabled => false',
      'data_stream => false',
      ...(p.authenticate ? [`user => "\${${PIPELINE_ENV.user}}"`, `password => "\${${PIPELINE_ENV.password}}"`] : []),
      ...(p.caFile ? ['ssl_enabled => true', `ssl_certificate_authorities => [${q(p.caFile)}]`] : []),
    ]),
    '}',
  ];
}

function outputs(p: PipelineInput): string[] {
  const body = OUTPUTS.flatMap((o) => {
    const out = elasticsearchOutput(p, o.family);
    return [`# ${o.family}: ${o.why}`, ...(o.when ? [`if ${o.when} {`, ...indent(out), '}'] : out)];
  });
  return ['output {', ...indent(body), '}'];
}

/** The pipeline in Logstash's config language. */
export function renderPipeline(p: PipelineInput): string {
  return ['# Generated by pynomaly-monitoring (lib/logstash/pipeline.ts): the Pynomaly log pipeline.', ...inputs(), ...filters(p), ...outputs(p), ''].join('\n');
}

// ---------------------------------------------------------------------------
// The same tables, applied in TypeScript.

export type LogEvent = Readonly<Record<string, unknown>>;

export interface Classified {
  readonly tags: readonly string[];
  readonly errorCategory?: string;
  readonly durationMs?: number;
  readonly performanceCategory?: string;
  readonly operationType: string;
  /** The index families the event is written to. */
  readonly families: readonly IndexFamily[];
  /** The fields kept after the sensitive ones are dropped. */
  readonly fields: readonly string[];
}

const matches = (pattern: string, value: unknown): boolean => typeof value === 'string' && new RegExp(pattern, 'i').test(value);

/** What the pipeline does to one parsed event, by the same tables. */
export function classify(event: LogEvent): Classified {
  const F = LOG_FIELDS;
  const isError = (ERROR_LEVELS as readonly unknown[]).includes(event[F.level]) || Boolean(event[F.exception]);
  const errorCategory = isError
    ? (ERROR_CATEGORIES.find((c) => matches(c.pattern, event[F.message]) || matches(c.pattern, event[F.exception]))?.category ?? UNKNOWN_ERROR_CATEGORY)
    : undefined;
  let durationMs = typeof event.duration_ms === 'number' ? event.duration_ms : typeof event.duration_ms === 'string' ? Number(event.duration_ms) : undefined;
  if (durationMs === undefined && typeof event[F.message] === 'string') {
    const m = new RegExp(DURATION_IN_MESSAGE).exec(event[F.message] as string);
    if (m?.groups) durationMs = Number(m.groups.duration_value) * (m.groups.duration_unit === 's' ? 1000 : 1);
  }
  const performanceCategory =
    durationMs === undefined ? undefined : (PERFORMANCE_CATEGORIES.find((c) => 'belowMs' in c && durationMs! < c.belowMs) ?? PERFORMANCE_CATEGORIES[PERFORMANCE_CATEGORIES.length - 1]).category;
  const operationType = OPERATION_TYPES.find((o) => OPERATION_FIELDS.some((f) => matches(o.pattern, event[f])))?.type ?? GENERAL_OPERATION;
  const tags = isError ? ['error'] : [];
  const families: IndexFamily[] = ['logs', ...(isError ? (['errors'] as const) : []), ...(performanceCategory ? (['performance'] as const) : [])];
  const sensitive = new RegExp(SENSITIVE_FIELD_NAMES, 'i');
  return { tags, errorCategory, durationMs, performanceCategory, operationType, families, fields: Object.keys(event).filter((k) => !sensitive.test(k) && k !== 'headers') };
}
