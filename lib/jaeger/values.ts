import * as z from 'zod';
import { PLANNED_SERVICES } from '../catalog/services';
import { enabled, image, resources, secretRef } from '../values/types';

/** Whole days, as the index cleaner takes them (`7d`). */
const days = z
  .string()
  .regex(/^[1-9][0-9]*d$/, { message: 'expected a number of days such as 7d' })
  .describe('How long traces are kept: indices older than this are deleted by the index cleaner');

const elasticsearchValues = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        `Elasticsearch URL; unset: our Elasticsearch, ${PLANNED_SERVICES.elasticsearch.service}.<namespace>.svc:${PLANNED_SERVICES.elasticsearch.port.port}, over https when caSecret is set`,
      ),
    usernameSecret: secretRef('the user name Jaeger writes and reads traces as (unset name: no authentication)', { key: 'username' }),
    passwordSecret: secretRef("that user's password (unset name: the user name's Secret)", { key: 'password' }),
    caSecret: secretRef("the CA certificate (PEM) of Elasticsearch's https endpoint (unset name: http)", { key: 'ca.crt' }),
    indexPrefix: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/).default('jaeger').describe('Prefix of the Jaeger indices (<prefix>-jaeger-span-YYYY-MM-DD, ...)'),
    shards: z.int().min(1).default(1).describe('Primary shards of each index'),
    replicas: z.int().min(0).default(0).describe('Replicas of each index (0 on a single Elasticsearch node, or the cluster stays yellow)'),
    retention: days.default('7d'),
  })
  .prefault({})
  .describe('Elasticsearch storage: daily indices (indices.<type>.rotation.periodic), deleted after the retention');

export const jaegerValues = z
  .strictObject({
    enabled: enabled(true, 'Jaeger v2 (collector and query in one)'),
    image: image({ repository: 'docker.io/jaegertracing/jaeger', tag: '2.20.0' }),
    resources: resources({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } }),
    storage: z.enum(['memory', 'elasticsearch']).default('memory').describe('Where traces are kept: memory (lost on restart; dev) or elasticsearch'),
    memory: z
      .strictObject({ maxTraces: z.int().min(1000).default(50000).describe('Traces kept in memory; the oldest are evicted') })
      .prefault({})
      .describe('In-memory storage'),
    elasticsearch: elasticsearchValues,
  })
  .prefault({})
  .describe('Jaeger v2: receives OTLP (4317 gRPC, 4318 HTTP) and Jaeger (14268 thrift HTTP, 14250 gRPC) spans, serves the query UI on 16686');

export type JaegerValues = z.output<typeof jaegerValues>;
