/**
 * Logs overview on Elasticsearch: volume by level, errors by category, slow
 * operations, top loggers, and the log lines themselves, filterable by
 * service, level and a free Lucene search. Field names come from the log
 * contract in lib/catalog/logs.ts.
 */
import { LOG_FIELDS, LOG_LEVELS } from '../../catalog/logs';
import {
  customVariable,
  DashboardSpec,
  esBarGaugePanel,
  esCount,
  esDateHistogram,
  esLogs,
  esLogsPanel,
  esPiePanel,
  esStatPanel,
  esTerms,
  esTermsVariable,
  esTimeseriesPanel,
  textboxVariable,
  textPanel,
} from './kit';

export const LOGS_UID = 'pynomaly-logs';

const F = LOG_FIELDS;

/** The filter every panel applies: the service and level variables, then the free search. */
const BASE = `${F.service}:\${service:lucene} AND ${F.level}:\${level:lucene} AND ($search)`;
const ERRORS = `${BASE} AND ${F.level}:(ERROR OR CRITICAL)`;

function variables() {
  return [
    esTermsVariable('service', 'Service', F.service),
    customVariable('level', 'Level', LOG_LEVELS),
    textboxVariable('search', 'Lucene search', '*', 'Lucene query, e.g. correlation_id:"abc-123" or logger:pynomaly.api*'),
  ];
}

export function logsOverview(timeField: string): DashboardSpec {
  const overTime = esDateHistogram(timeField);
  return {
    uid: LOGS_UID,
    title: 'Pynomaly / Logs',
    description: 'Application logs from Elasticsearch: volume, errors by category, slow operations and the log lines',
    tags: ['logs'],
    requires: ['elasticsearch'],
    from: 'now-1h',
    refresh: '1m',
    variables: variables(),
    rows: [
      {
        title: 'Overview',
        panels: [
          textPanel({
            title: 'How to search',
            markdown:
              `Filter with the variables above, or a Lucene query in **Lucene search**: \`${F.correlationId}:"<id>"\` shows every line of one request. ` +
              `From a trace in Jaeger, **Logs for this span** opens the lines with the span's \`${F.correlationId}\`.`,
            height: 3,
          }),
          esStatPanel({ title: 'Log lines', query: esCount(BASE, timeField, [overTime]), unit: 'short' }),
          esStatPanel({ title: 'Errors', query: esCount(ERRORS, timeField, [overTime]), unit: 'short', thresholds: [[1, 'red']] }),
          esStatPanel({ title: 'Warnings', query: esCount(`${BASE} AND ${F.level}:WARNING`, timeField, [overTime]), unit: 'short', thresholds: [[1, 'orange']] }),
          esStatPanel({
            title: 'Slow operations',
            query: esCount(`${BASE} AND ${F.performanceCategory}:(slow OR very_slow)`, timeField, [overTime]),
            unit: 'short',
            thresholds: [[1, 'orange']],
          }),
          esTimeseriesPanel({
            title: 'Log volume by level',
            queries: [esCount(BASE, timeField, [esTerms(F.level, 10), overTime], `{{term ${F.level}}}`)],
            unit: 'short',
            bars: true,
            stack: true,
            width: 24,
          }),
        ],
      },
      {
        title: 'Breakdown',
        panels: [
          esPiePanel({ title: 'Logs by level', query: esCount(BASE, timeField, [esTerms(F.level, 10), overTime]), unit: 'short', width: 8 }),
          esBarGaugePanel({ title: 'Errors by category', query: esCount(ERRORS, timeField, [esTerms(F.errorCategory, 10), overTime]), unit: 'short', width: 8 }),
          esBarGaugePanel({ title: 'Operations by type', query: esCount(BASE, timeField, [esTerms(F.operationType, 10), overTime]), unit: 'short', width: 8 }),
          esTimeseriesPanel({
            title: 'Errors by category over time',
            queries: [esCount(ERRORS, timeField, [esTerms(F.errorCategory, 10), overTime], `{{term ${F.errorCategory}}}`)],
            unit: 'short',
            bars: true,
            stack: true,
          }),
          esBarGaugePanel({ title: 'Top loggers', query: esCount(BASE, timeField, [esTerms(F.logger, 10), overTime]), unit: 'short' }),
        ],
      },
      {
        title: 'Log lines',
        panels: [
          esLogsPanel({ title: 'Errors and critical', query: esLogs(ERRORS, timeField, 200), height: 10 }),
          esLogsPanel({ title: 'All matching lines', query: esLogs(BASE, timeField, 500), height: 14 }),
        ],
      },
    ],
  };
}
