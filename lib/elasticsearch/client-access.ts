/**
 * A client of our Elasticsearch whose values name Secrets the way an external
 * Elasticsearch needs them (URL, user, password, CA): pointed at ours (no URL
 * of its own) with security on, they come from the Elasticsearch construct,
 * which declares each client's Secret once (elasticsearch.security.clients)
 * and the CA (its TLS Secret's ca.crt). Naming them in the client's values as
 * well is refused: two sources could disagree with the users the bootstrap creates.
 */
import type { ElasticsearchClientAccess } from '../grafana';
import type { SecretRef } from '../values/types';
import { ValuesError } from '../values/errors';
import { CLIENT_SECRET_KEYS, ElasticsearchClient } from './users';

export interface ElasticsearchClientValues {
  readonly url?: string;
  readonly usernameSecret: SecretRef;
  readonly passwordSecret: SecretRef;
  readonly caSecret: SecretRef;
}

export function withClientAccess<V extends ElasticsearchClientValues>(v: V, access: ElasticsearchClientAccess | undefined, client: ElasticsearchClient, valuesPath: string): V {
  if (!access || v.url) return v;
  for (const key of ['usernameSecret', 'passwordSecret', 'caSecret'] as const) {
    if (v[key].name) {
      throw new ValuesError(
        `${valuesPath}.${key}: pointed at our Elasticsearch, its Secrets are elasticsearch.security.clients.${client} (user) and elasticsearch.security.tls.secretName (CA); set them there, or set ${valuesPath}.url for another Elasticsearch`,
      );
    }
  }
  const creds = access.credentials[client];
  return {
    ...v,
    usernameSecret: { name: creds.name, key: CLIENT_SECRET_KEYS.username },
    passwordSecret: { name: creds.name, key: CLIENT_SECRET_KEYS.password },
    caSecret: access.ca,
  };
}
