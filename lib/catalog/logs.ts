/**
 * The log document contract between the pipeline that writes the logs
 * (Logstash, index template) and what reads them (Grafana's Elasticsearch
 * datasource and the Logs dashboard), declared once.
 *
 * The application logs JSON with `timestamp` like `2025-07-07 12:00:00,123`
 * (Python logging's asctime: a space instead of `T`, a comma before the
 * milliseconds, no zone). Elasticsearch's default date detection does not map
 * that as a date, so the pipeline parses it into `@timestamp` (the field
 * Logstash and Kibana use) and every reader sorts and filters on `@timestamp`.
 */

/** Index patterns the pipeline writes (the data streams `<prefix><environment>`). */
export const LOG_INDEX_PATTERNS = {
  logs: 'pynomaly-logs-*',
  errors: 'pynomaly-errors-*',
  performance: 'pynomaly-performance-*',
} as const;

/** The parsed event time of every log document. */
export const LOG_TIME_FIELD = '@timestamp';

/**
 * Fields of a log document. The aggregatable ones (`keyword` in the index
 * template) are marked; Grafana's terms aggregations use them as they are.
 */
export const LOG_FIELDS = {
  /** Parsed event time (date). */
  timestamp: LOG_TIME_FIELD,
  /** The app's own time string, kept as written. */
  sourceTimestamp: 'timestamp',
  message: 'message',
  /** keyword: DEBUG, INFO, WARNING, ERROR, CRITICAL (Python level names). */
  level: 'level',
  /** keyword */
  logger: 'logger',
  module: 'module',
  function: 'function',
  line: 'line',
  /** keyword: joins a request's log lines and its trace. */
  correlationId: 'correlation_id',
  /** keyword */
  requestId: 'request_id',
  /** keyword */
  userId: 'user_id',
  exception: 'exception',
  /** keyword, added by the pipeline */
  service: 'service',
  /** keyword, added by the pipeline */
  environment: 'environment',
  /** keyword, added by the pipeline */
  version: 'version',
  /** keyword, added by the pipeline to errors: connectivity, authorization, validation, database, memory, unknown */
  errorCategory: 'error_category',
  /** keyword, added by the pipeline to timed events: fast, normal, slow, very_slow */
  performanceCategory: 'performance_category',
  /** keyword, added by the pipeline: detection, training, data_io, authentication, general */
  operationType: 'operation_type',
} as const;

/** Python logging level names, in increasing severity. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
