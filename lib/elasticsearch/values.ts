/**
 * Values of Elasticsearch (`elasticsearch.*`). No value holds a credential:
 * the elastic user's password and the TLS certificates are user-provided
 * Secrets, mounted as files.
 */
import * as z from 'zod';
import { enabled, image, replicas, resources, secretRef, storage } from '../values/types';
import { MAX_HEAP_BYTES } from './constants';
import { CLIENT_SECRET_KEYS } from './users';
import { snapshotValues } from './snapshots';
import { certManagerValues } from './certificate';
import { JVM_SIZE, jvmSizeBytes, quantityBytes } from './quantity';

/** The shared Elastic Stack version: Kibana and Logstash default to the same tag. */
export const ELASTIC_STACK_VERSION = '9.5.0';

export const MAX_MAP_COUNT_STRATEGIES = ['disableMmap', 'nodeTuned', 'sysctlInitContainer'] as const;
export type MaxMapCountStrategy = (typeof MAX_MAP_COUNT_STRATEGIES)[number];

export const elasticsearchValues = z
  .strictObject({
    enabled: enabled(true, 'Elasticsearch (the log store)'),
    image: image({ repository: 'docker.elastic.co/elasticsearch/elasticsearch', tag: ELASTIC_STACK_VERSION }),
    clusterName: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, { message: 'expected lower case letters, digits, - and _' })
      .default('pynomaly-logs')
      .describe('cluster.name'),
    replicas: replicas(
      1,
      'Nodes (each master-eligible and data). 1: discovery.type single-node and indices without replicas. 3 or more: a cluster discovered through the headless Service, one index replica, a PodDisruptionBudget. 2 is refused (no quorum survives the loss of either node)',
    ).refine((n) => n !== 2, { message: 'use 1 or at least 3 nodes: two master-eligible nodes lose their quorum when either stops' }),
    storage: storage({ size: '30Gi' }),
    resources: resources({ requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '2Gi' } }),
    heap: z
      .string()
      .regex(JVM_SIZE, { message: 'expected a JVM heap size such as 512m or 2g' })
      .optional()
      .describe(
        'JVM heap (-Xms/-Xmx). Unset (recommended): Elasticsearch sizes it from the container memory limit (about half). Set, it must be at most half the memory limit (the rest is file-system cache and off-heap) and at most 31g (compressed object pointers)',
      ),
    maxMapCount: z
      .enum(MAX_MAP_COUNT_STRATEGIES)
      .default('disableMmap')
      .describe(
        'How Elasticsearch copes with vm.max_map_count (it wants 262144; nodes default to 65530). disableMmap: node.store.allow_mmap=false, the pod stays restricted, indices use NIO instead of memory-mapped files (slower searches on large indices). ' +
          'nodeTuned: your nodes already set vm.max_map_count >= 262144 (node image, tuning DaemonSet); mmap stays on, the pod stays restricted. ' +
          'sysctlInitContainer: a privileged root init container sets it on the node; only where podSecurity.enforce is privileged',
      ),
    indexReplicas: z
      .int()
      .min(0)
      .optional()
      .describe('Replicas of each log index; unset: 0 with one node (a replica could never be placed: yellow forever), 1 with several'),
    logRetention: z
      .string()
      .regex(/^[1-9]\d*[dh]$/, { message: 'expected a number of days or hours such as 30d or 12h' })
      .default('30d')
      .describe('How long log indices are kept after they roll over (the delete phase of the ILM policy the bootstrap Job installs)'),
    snapshots: snapshotValues,
    security: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe('xpack security: authentication and TLS on HTTP and transport. Off only for a throwaway dev cluster (anyone reaching the Service can read and delete every log)'),
        elasticPassword: secretRef('the password of the built-in elastic superuser (the image sets it at first start)', { name: 'elasticsearch-elastic', key: 'password' }),
        clients: z
          .strictObject({
            grafana: secretRef("the user Grafana's datasource reads pynomaly-* with (role pynomaly-grafana: read, view_index_metadata)", { name: 'elasticsearch-grafana', key: CLIENT_SECRET_KEYS.username }),
            logstash: secretRef('the user Logstash writes the pynomaly-* data streams with (role pynomaly-logstash: create_doc, create_index, auto_configure)', { name: 'logstash-elasticsearch', key: CLIENT_SECRET_KEYS.username }),
            kibana: secretRef('the password (key password) of the built-in kibana_system user Kibana connects as (the bootstrap sets it)', { name: 'kibana-elasticsearch', key: CLIENT_SECRET_KEYS.password }),
            monitoring: secretRef("the user the Elasticsearch exporter reads stats with (role pynomaly-monitoring: monitor, read_ilm, read_slm; monitor on indices)", { name: 'elasticsearch-monitoring', key: CLIENT_SECRET_KEYS.username }),
            jaeger: secretRef('the user Jaeger and its index cleaner use (role pynomaly-jaeger on the jaeger-* indices)', { name: 'jaeger-elasticsearch', key: CLIENT_SECRET_KEYS.username }),
          })
          .prefault({})
          .describe('The Secret (keys username and password) of each client of our Elasticsearch; the logs bootstrap creates these users and their roles, and each client reads its Secret from here'),
        tls: z
          .strictObject({
            secretName: z
              .string()
              .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { message: 'expected the name of a Secret' })
              .default('elasticsearch-tls')
              .describe(
                'Secret with tls.crt, tls.key and ca.crt (the layout of a kubernetes.io/tls Secret written by cert-manager): used for HTTP and transport. ' +
                  'You create it, or cert-manager does (certManager.enabled). Its certificate must name elasticsearch, elasticsearch.<namespace>, elasticsearch.<namespace>.svc, elasticsearch-transport.<namespace>.svc and *.elasticsearch-transport.<namespace>.svc',
              ),
            certManager: certManagerValues,
          })
          .prefault({})
          .describe('TLS of HTTP and transport: exactly one source, the Secret secretName, which you create or cert-manager issues (certManager.enabled)'),
      })
      .prefault({})
      .describe('Security (on by default)'),
  })
  .superRefine((v, ctx) => {
    if (v.security.tls.certManager.enabled && !v.security.enabled) {
      ctx.addIssue({ code: 'custom', path: ['security', 'tls', 'certManager', 'enabled'], message: 'a certificate is used only with security.enabled=true (TLS on HTTP and transport)' });
    }
    const limit = quantityBytes(v.resources.limits.memory);
    if (quantityBytes(v.resources.requests.memory) !== limit) {
      ctx.addIssue({
        code: 'custom',
        path: ['resources', 'requests', 'memory'],
        message: `must equal resources.limits.memory (${v.resources.limits.memory}): Elasticsearch sizes its heap and caches from the container memory, and a lower request lets the node be overcommitted under it`,
      });
    }
    if (v.heap === undefined) return;
    const heap = jvmSizeBytes(v.heap);
    if (heap > MAX_HEAP_BYTES) {
      ctx.addIssue({ code: 'custom', path: ['heap'], message: `${v.heap} is above 31g: the JVM loses compressed object pointers and the larger heap holds less` });
    } else if (heap * 2 > limit) {
      ctx.addIssue({ code: 'custom', path: ['heap'], message: `${v.heap} is more than half of resources.limits.memory (${v.resources.limits.memory}): leave the other half to the file-system cache and off-heap memory` });
    }
  })
  .prefault({})
  .describe('Elasticsearch: the log store (a StatefulSet)');

export type ElasticsearchValues = z.output<typeof elasticsearchValues>;
