/**
 * What the logs bootstrap installs, as request bodies typed against the
 * Elasticsearch API types of `@elastic/elasticsearch` (types only, pinned):
 * a misspelt or misplaced field fails `tsc`. Kibana's data view API is not in
 * that package: its body is typed here after Kibana's API documentation.
 *
 * Every family is a data stream (`<prefix><environment>`, matched by the
 * readers' `<prefix>*`): ILM rolls its backing indices over daily (or at
 * 50 GB per primary shard) and deletes them after the retention.
 */
import type { estypes } from '@elastic/elasticsearch';
import { LOG_FIELDS, LOG_TIME_FIELD } from '../catalog/logs';
import { IndexFamily, INDEX_FAMILIES, indexPattern } from './indices';

/** PUT _ilm/policy/<name> */
export type IlmPolicyBody = Required<Pick<estypes.IlmPutLifecycleRequest, 'policy'>>;
/** PUT _index_template/<name> */
export type IndexTemplateBody = Pick<estypes.IndicesPutIndexTemplateRequest, 'index_patterns' | 'data_stream' | 'priority' | 'template' | '_meta'>;

/** POST /api/data_views/data_view (Kibana); `override: true` makes it idempotent. */
export interface DataViewBody {
  readonly data_view: { readonly id: string; readonly title: string; readonly name: string; readonly timeFieldName: string };
  readonly override: boolean;
}

export const ILM_POLICY_NAME = 'pynomaly-logs';

/** The app's asctime, and ISO 8601 for anything else. */
export const APP_TIMESTAMP_FORMAT = 'yyyy-MM-dd HH:mm:ss,SSS||strict_date_optional_time||epoch_millis';

export interface BootstrapOptions {
  /** Delete backing indices this long after rollover (an Elasticsearch time unit: 30d, 12h). */
  readonly retention: string;
  /** Replicas of each backing index (0 on one node). */
  readonly replicas: number;
}

export function ilmPolicy(o: BootstrapOptions): IlmPolicyBody {
  return {
    policy: {
      _meta: { managed_by: 'pynomaly-monitoring' },
      phases: {
        hot: { min_age: '0ms', actions: { rollover: { max_age: '1d', max_primary_shard_size: '50gb' } } },
        delete: { min_age: o.retention, actions: { delete: {} } },
      },
    },
  };
}

const keyword: estypes.MappingProperty = { type: 'keyword', ignore_above: 1024 };

/** The mapping of the fields the app and the pipeline write (lib/catalog/logs.ts). */
export function logMappings(): estypes.MappingTypeMapping {
  const F = LOG_FIELDS;
  return {
    dynamic: true,
    date_detection: false,
    properties: {
      [LOG_TIME_FIELD]: { type: 'date' },
      [F.sourceTimestamp]: { type: 'date', format: APP_TIMESTAMP_FORMAT },
      [F.message]: { type: 'text' },
      [F.level]: keyword,
      [F.logger]: keyword,
      [F.module]: keyword,
      [F.function]: keyword,
      [F.line]: { type: 'integer' },
      [F.correlationId]: keyword,
      [F.requestId]: keyword,
      [F.userId]: keyword,
      [F.exception]: { type: 'text' },
      [F.service]: keyword,
      [F.environment]: keyword,
      [F.version]: keyword,
      [F.errorCategory]: keyword,
      [F.performanceCategory]: keyword,
      [F.operationType]: keyword,
      duration_ms: { type: 'float' },
      tags: keyword,
    },
  };
}

export function indexTemplate(family: IndexFamily, o: BootstrapOptions): IndexTemplateBody {
  return {
    index_patterns: [indexPattern(family)],
    data_stream: {},
    // Above the built-in logs-*-* templates (priority 100) should a pattern ever overlap.
    priority: 200,
    _meta: { managed_by: 'pynomaly-monitoring' },
    template: {
      settings: { number_of_shards: 1, number_of_replicas: o.replicas, 'index.lifecycle.name': ILM_POLICY_NAME },
      mappings: logMappings(),
    },
  };
}

export function dataView(family: IndexFamily): DataViewBody {
  return {
    data_view: { id: `pynomaly-${family}`, title: indexPattern(family), name: `Pynomaly ${family}`, timeFieldName: LOG_TIME_FIELD },
    override: true,
  };
}

/** One request of the Job; `secret`: its body gets a password (and its path a user name) from mounted Secret files at run time. */
export interface BootstrapRequest {
  readonly target: 'elasticsearch' | 'kibana';
  readonly method: 'PUT' | 'POST';
  readonly path: string;
  readonly file: string;
  readonly body: unknown;
  readonly secret?: { readonly passwordFile: string; readonly usernameFile?: string };
}

/** Every request, in the order the Job sends them. */
export function bootstrapRequests(o: BootstrapOptions): BootstrapRequest[] {
  return [
    { target: 'elasticsearch', method: 'PUT', path: `/_ilm/policy/${ILM_POLICY_NAME}`, file: 'ilm-policy.json', body: ilmPolicy(o) },
    ...INDEX_FAMILIES.map((f) => ({ target: 'elasticsearch' as const, method: 'PUT' as const, path: `/_index_template/pynomaly-${f}`, file: `template-${f}.json`, body: indexTemplate(f, o) })),
    ...INDEX_FAMILIES.map((f) => ({ target: 'kibana' as const, method: 'POST' as const, path: '/api/data_views/data_view', file: `data-view-${f}.json`, body: dataView(f) })),
  ];
}
