/**
 * The three index families of the Pynomaly logs, declared once (from the log
 * contract of lib/catalog/logs.ts): Logstash writes the data stream `<prefix><environment>`,
 * and the index templates, the ILM policy, the data views and Grafana's
 * datasource read `<prefix>*`.
 */
import { LOG_INDEX_PATTERNS } from '../catalog/logs';

export type IndexFamily = keyof typeof LOG_INDEX_PATTERNS;

export const INDEX_FAMILIES = Object.keys(LOG_INDEX_PATTERNS) as IndexFamily[];

/** `pynomaly-logs-` for `pynomaly-logs-*`. */
export function indexPrefix(family: IndexFamily): string {
  return LOG_INDEX_PATTERNS[family].replace(/\*$/, '');
}

/** The pattern readers use: `pynomaly-logs-*`. */
export function indexPattern(family: IndexFamily): string {
  return LOG_INDEX_PATTERNS[family];
}

/**
 * The data stream Logstash writes: `pynomaly-logs-<environment>` (its backing
 * indices are rolled over daily and deleted by the ILM policy; see
 * bootstrap-requests.ts). Readers match it with `pynomaly-logs-*`.
 */
export function dataStreamName(family: IndexFamily, environment: string): string {
  return `${indexPrefix(family)}${environment}`;
}
