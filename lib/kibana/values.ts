/** Values of Kibana (`kibana.*`). */
import * as z from 'zod';
import { ELASTIC_STACK_VERSION } from '../elasticsearch/values';
import { enabled, image, replicas, resources } from '../values/types';

export const kibanaValues = z
  .strictObject({
    enabled: enabled(true, 'Kibana (search and dashboards over the logs)'),
    image: image({ repository: 'docker.elastic.co/kibana/kibana', tag: ELASTIC_STACK_VERSION }),
    replicas: replicas(1, 'Kibana replicas (stateless; they share the encryption keys)'),
    resources: resources({ requests: { cpu: '200m', memory: '1Gi' }, limits: { memory: '1Gi' } }),
    publicBaseUrl: z
      .url({ protocol: /^https?$/, message: 'expected an http(s) URL' })
      .refine((u) => !u.endsWith('/'), { message: 'must not end with /' })
      .optional()
      .describe('server.publicBaseUrl: the URL users reach Kibana at (links in reports and alerts); unset: Kibana warns and guesses'),
    encryptionKeys: z
      .strictObject({
        secretName: z
          .string()
          .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { message: 'expected the name of a Secret' })
          .default('kibana-encryption-keys')
          .describe(
            'Secret with the keys security, encrypted-saved-objects and reporting (each at least 32 characters, e.g. openssl rand -hex 32). They must not change: keys generated at start change on every restart and make saved objects unreadable',
          ),
      })
      .prefault({})
      .describe('Stable encryption keys (xpack.security, xpack.encryptedSavedObjects, xpack.reporting)'),
  })
  .prefault({})
  .describe('Kibana');

export type KibanaValues = z.output<typeof kibanaValues>;
