/**
 * The users our Elasticsearch's clients connect as, declared once: the role
 * each gets (request bodies typed against `@elastic/elasticsearch`), and the
 * Secret each one's credentials live in (`elasticsearch.security.clients.*`,
 * keys `username` and `password`). The logs bootstrap creates the roles and
 * users (PUT, idempotent) from these; every client (Grafana's datasource,
 * Logstash's output, the exporter, Jaeger, Kibana) takes its Secret from the
 * Elasticsearch construct, never from a value of its own.
 *
 * Kibana is the exception: it connects as the built-in `kibana_system`, whose
 * password the bootstrap sets from Kibana's Secret (key `password`).
 */
import type { estypes } from '@elastic/elasticsearch';
import { INDEX_FAMILIES, indexPattern } from '../logs/indices';

/** PUT _security/role/<name> */
export type RoleBody = Pick<estypes.SecurityPutRoleRequest, 'cluster' | 'indices' | 'metadata'>;
/** PUT _security/user/<name>, without the password (the Job adds it from the Secret file at run time). */
export type UserBody = Pick<estypes.SecurityPutUserRequest, 'roles' | 'full_name' | 'metadata'>;
/** POST _security/user/<name>/_password */
export type PasswordBody = Pick<estypes.SecurityChangePasswordRequest, 'password'>;

/** The clients of our Elasticsearch that authenticate. */
export const ELASTICSEARCH_CLIENTS = ['grafana', 'logstash', 'kibana', 'monitoring', 'jaeger'] as const;
export type ElasticsearchClient = (typeof ELASTICSEARCH_CLIENTS)[number];

/** The keys of every client's Secret. */
export const CLIENT_SECRET_KEYS = { username: 'username', password: 'password' } as const;

/** Kibana's built-in user (its password is set, the user is not created). */
export const KIBANA_SYSTEM_USER = 'kibana_system';

const MANAGED = { managed_by: 'pynomaly-monitoring' } as const;

/** Every pynomaly-* data stream (logs, errors, performance). */
const LOG_STREAMS = INDEX_FAMILIES.map(indexPattern);

export interface RoleOptions {
  /** Jaeger's index prefix (its indices are `<prefix>-*`). */
  readonly jaegerIndexPrefix: string;
}

/** The role of each client that gets one (Kibana uses kibana_system's built-in role). */
export function clientRoles(o: RoleOptions): Readonly<Record<Exclude<ElasticsearchClient, 'kibana'>, RoleBody>> {
  return {
    // `monitor`: the output (and Grafana) read the cluster's version from GET /.
    logstash: {
      cluster: ['monitor'],
      indices: [{ names: LOG_STREAMS, privileges: ['create_doc', 'create_index', 'auto_configure'] }],
      metadata: MANAGED,
    },
    grafana: {
      cluster: ['monitor'],
      indices: [{ names: LOG_STREAMS, privileges: ['read', 'view_index_metadata'] }],
      metadata: MANAGED,
    },
    // What the exporter's collectors read: cluster, node and index stats, ILM explain, SLM stats.
    monitoring: {
      cluster: ['monitor', 'read_ilm', 'read_slm'],
      indices: [{ names: ['*'], privileges: ['monitor', 'view_index_metadata'], allow_restricted_indices: false }],
      metadata: MANAGED,
    },
    // Jaeger writes and reads its daily indices and their templates; the index cleaner deletes old ones.
    jaeger: {
      cluster: ['monitor', 'manage_index_templates'],
      indices: [{ names: [`${o.jaegerIndexPrefix}-*`], privileges: ['create_index', 'create_doc', 'write', 'read', 'view_index_metadata', 'delete_index'] }],
      metadata: MANAGED,
    },
  };
}

/** The role name of a client. */
export function roleName(client: Exclude<ElasticsearchClient, 'kibana'>): string {
  return `pynomaly-${client}`;
}

export function userBody(client: Exclude<ElasticsearchClient, 'kibana'>): UserBody {
  return { roles: [roleName(client)], full_name: `pynomaly-monitoring ${client}`, metadata: MANAGED };
}
