import { z } from 'zod';
import { duration, enabled, image, replicas, resources, storage } from '../values/types';

/** Values of the Prometheus server (`prometheus.*`). */
export const prometheusValues = z
  .strictObject({
    enabled: enabled(true, 'the Prometheus server'),
    image: image({ repository: 'quay.io/prometheus/prometheus', tag: 'v3.7.3' }),
    replicas: replicas(1, 'Prometheus replicas; each scrapes every target on its own (HA pairs, deduplicate in Grafana or Thanos)'),
    retention: duration('30d', 'How long samples are kept (--storage.tsdb.retention.time)'),
    retentionSize: z
      .string()
      .regex(/^[0-9]+(B|KB|MB|GB|TB|PB|EB)$/, { message: 'expected a Prometheus size such as 45GB' })
      .default('45GB')
      .describe('Largest size of the TSDB before old blocks are deleted (--storage.tsdb.retention.size); keep below the volume size'),
    scrapeInterval: duration('15s', 'Default scrape interval'),
    evaluationInterval: duration('15s', 'Rule evaluation interval'),
    storage: storage({ size: '50Gi' }),
    resources: resources({ requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } }),
    externalUrl: z.string().optional().describe('URL Prometheus is reached at from outside (--web.external-url), used in alert links'),
  })
  .prefault({})
  .describe('Prometheus server');

export type PrometheusValues = z.output<typeof prometheusValues>;
