/** Values of Logstash (`logstash.*`). */
import * as z from 'zod';
import { ELASTIC_STACK_VERSION } from '../elasticsearch/values';
import { JVM_SIZE, jvmSizeBytes, quantityBytes } from '../elasticsearch/quantity';
import { dnsLabel, enabled, image, resources, storage } from '../values/types';

export const logstashValues = z
  .strictObject({
    enabled: enabled(true, 'Logstash (the Pynomaly log pipeline)'),
    image: image({ repository: 'docker.elastic.co/logstash/logstash', tag: ELASTIC_STACK_VERSION }),
    exporterImage: image({ repository: 'ghcr.io/kuskoman/logstash-exporter', tag: 'v1.9.1' }),
    resources: resources({ requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '1Gi' } }),
    heap: z
      .string()
      .regex(JVM_SIZE, { message: 'expected a JVM heap size such as 256m or 1g' })
      .default('512m')
      .describe('JVM heap (-Xms/-Xmx, LS_JAVA_OPTS); at most half the memory limit (the rest: direct memory of the inputs, the persistent queue\'s page cache)'),
    workers: z.int().min(1).default(2).describe('pipeline.workers'),
    batchSize: z.int().min(1).default(125).describe('pipeline.batch.size'),
    queue: z
      .strictObject({
        maxBytes: z.string().regex(/^[1-9]\d*(mb|gb)$/, { message: 'expected a size such as 1024mb or 4gb' }).default('1gb').describe('queue.max_bytes of the persistent queue'),
        deadLetterMaxBytes: z.string().regex(/^[1-9]\d*(mb|gb)$/, { message: 'expected a size such as 1024mb or 4gb' }).default('1gb').describe('dead_letter_queue.max_bytes'),
      })
      .prefault({})
      .describe('Persistent queue and dead-letter queue (both on the data volume)'),
    storage: storage({ size: '5Gi' }),
    clients: z
      .array(z.strictObject({ namespace: dnsLabel.describe('Namespace of the log shippers'), podSelector: z.record(z.string(), z.string()).default({}).describe('Labels of the shippers (empty: every pod there)') }))
      .default([{ namespace: 'pynomaly', podSelector: {} }])
      .describe('Who may send logs to the inputs (NetworkPolicy ingress): the application and its shippers'),
  })
  .superRefine((v, ctx) => {
    const limit = quantityBytes(v.resources.limits.memory);
    if (jvmSizeBytes(v.heap) * 2 > limit) {
      ctx.addIssue({ code: 'custom', path: ['heap'], message: `${v.heap} is more than half of resources.limits.memory (${v.resources.limits.memory})` });
    }
  })
  .prefault({})
  .describe('Logstash: the Pynomaly log pipeline (inputs beats, http, tcp, udp; outputs to Elasticsearch)');

export type LogstashValues = z.output<typeof logstashValues>;
