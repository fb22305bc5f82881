/**
 * The Elasticsearch exporter against our Elasticsearch: the `elasticsearch`
 * Service of the main namespace (lib/catalog/services.ts) unless `url` says
 * otherwise; over https with the CA of a user-provided Secret, and the user
 * and password of user-provided Secrets (ES_USERNAME/ES_PASSWORD, which is
 * how the exporter takes them), where the values name them.
 */
import { Construct } from 'constructs';
import * as z from 'zod';
import { JOBS } from '../catalog/jobs';
import { PLANNED_SERVICES } from '../catalog/services';
import { ComponentConstruct, ComponentDefinition, ComponentProps, MonitoringComponent, ServiceEndpoint } from '../core/component';
import { withClientAccess } from '../elasticsearch/client-access';
import type { ElasticsearchClientAccess } from '../grafana';
import { k8s } from '../core/k8s';
import { container, httpProbe, deployment, secretFilesVolume, service } from '../core/workload';
import { edgeTo, GraphContext } from '../network/components';
import type { ComponentPeer, Edge } from '../network/graph';
import { enabled, image, resources, secretRef } from '../values/types';
import { listenAddress } from './common';
import { parseSettings } from '../values/parsed';

export const ELASTICSEARCH_EXPORTER = {
  name: 'elasticsearch-exporter',
  component: 'datastore-metrics',
  port: { name: 'http-metrics', port: 9114 },
  /** nobody: the image's own user. */
  uid: 65534,
  caDir: '/etc/elasticsearch-exporter/ca',
  caFile: 'ca.crt',
} as const;

export const elasticsearchExporterValues = z
  .strictObject({
    enabled: enabled(true, 'the Elasticsearch exporter'),
    image: image({ repository: 'quay.io/prometheuscommunity/elasticsearch-exporter', tag: 'v1.11.0' }),
    resources: resources({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } }),
    url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        `Elasticsearch URL (--es.uri); unset: our Elasticsearch, ${PLANNED_SERVICES.elasticsearch.service}.<namespace>.svc:${PLANNED_SERVICES.elasticsearch.port.port}, over https when caSecret is set`,
      ),
    usernameSecret: secretRef('the user name the exporter logs in with (ES_USERNAME; unset name: no authentication)', { key: 'username' }),
    passwordSecret: secretRef("that user's password (ES_PASSWORD; unset name: the user name's Secret)", { key: 'password' }),
    caSecret: secretRef("the CA certificate (PEM) of Elasticsearch's https endpoint (--es.ca; unset name: http)", { key: 'ca.crt' }),
  })
  .prefault({})
  .describe('The Elasticsearch exporter: cluster health, nodes, JVM and indices of our Elasticsearch');

export type ElasticsearchExporterValues = z.output<typeof elasticsearchExporterValues>;

export interface ElasticsearchExporterProps extends ComponentProps {
  readonly values?: NonNullable<z.input<typeof elasticsearchExporterValues>>;
}

/** The URL the exporter reads: the value, else our Elasticsearch Service in `namespace`. */
export function elasticsearchUrl(v: ElasticsearchExporterValues, namespace: string): string {
  if (v.url) return v.url;
  const s = PLANNED_SERVICES.elasticsearch;
  return `${v.caSecret.name ? 'https' : 'http'}://${s.service}.${namespace}.svc:${s.port.port}`;
}

export function elasticsearchExporterArgs(v: ElasticsearchExporterValues, namespace: string): string[] {
  return [
    `--web.listen-address=${listenAddress(ELASTICSEARCH_EXPORTER.port)}`,
    `--es.uri=${elasticsearchUrl(v, namespace)}`,
    ...(v.caSecret.name ? [`--es.ca=${ELASTICSEARCH_EXPORTER.caDir}/${ELASTICSEARCH_EXPORTER.caFile}`] : []),
    '--es.timeout=10s',
    // ILM index status (ElasticsearchIlmErrors) and SLM stats (ElasticsearchSnapshotFailures); both off by default in the exporter.
    '--collector.ilm',
    '--collector.slm',
  ];
}

/** ES_USERNAME and ES_PASSWORD from the Secrets (references only, never the values). */
export function elasticsearchExporterEnv(v: ElasticsearchExporterValues): k8s.EnvVar[] {
  const user = v.usernameSecret.name;
  if (!user) return [];
  return [
    { name: 'ES_USERNAME', valueFrom: { secretKeyRef: { name: user, key: v.usernameSecret.key } } },
    { name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: v.passwordSecret.name ?? user, key: v.passwordSecret.key } } },
  ];
}

export class ElasticsearchExporter extends ComponentConstruct<ElasticsearchExporterValues> {
  public readonly services: readonly ServiceEndpoint[];
  public readonly deployment: k8s.KubeDeployment;

  public constructor(scope: Construct, id: string, props: ElasticsearchExporterProps = {}) {
    super(scope, id, props, { ...ELASTICSEARCH_EXPORTER, job: JOBS.elasticsearchExporter, targetKey: 'elasticsearchExporter' }, parseSettings(elasticsearchExporterValues, props.values));
    this.services = [this.endpoint];
    service(this, 'service', { name: ELASTICSEARCH_EXPORTER.name, identity: this.identity, ports: [ELASTICSEARCH_EXPORTER.port] });
    const ca = this.values.caSecret;
    const exporter = container({
      name: ELASTICSEARCH_EXPORTER.name,
      image: this.values.image,
      args: elasticsearchExporterArgs(this.values, this.namespace),
      env: elasticsearchExporterEnv(this.values),
      ports: [ELASTICSEARCH_EXPORTER.port],
      resources: this.values.resources,
      readinessProbe: httpProbe('/', ELASTICSEARCH_EXPORTER.port.name),
      livenessProbe: httpProbe('/', ELASTICSEARCH_EXPORTER.port.name, { periodSeconds: 20 }),
      volumeMounts: ca.name ? [{ name: 'ca', mountPath: ELASTICSEARCH_EXPORTER.caDir, readOnly: true }] : [],
    });
    this.deployment = deployment(this, 'deployment', {
      name: ELASTICSEARCH_EXPORTER.name,
      pod: {
        identity: this.identity,
        containers: [exporter],
        volumes: ca.name ? [secretFilesVolume('ca', [{ ref: ca, path: ELASTICSEARCH_EXPORTER.caFile }])] : [],
        runAsUser: ELASTICSEARCH_EXPORTER.uid,
      },
    });
  }

  public override networkEdges(g: GraphContext, self: ComponentPeer): Edge[] {
    return [edgeTo(g, self, elasticsearchUrl(this.values, this.namespace), (at) => `read cluster, node and index stats from Elasticsearch${at}`)];
  }
}

export const elasticsearchExporterComponent: ComponentDefinition<typeof elasticsearchExporterValues, 'elasticsearchExporter'> = {
  key: 'elasticsearchExporter',
  values: elasticsearchExporterValues,
  // Our Elasticsearch, when deployed with security on, says which Secrets hold the monitoring user and the CA.
  uses: ['elasticsearch'],
  build(ctx) {
    const access = ctx.component<MonitoringComponent & { clientAccess?: ElasticsearchClientAccess }>('elasticsearch')?.clientAccess;
    const values = withClientAccess(ctx.values, access, 'monitoring', 'elasticsearchExporter');
    const chart = ctx.chart(ELASTICSEARCH_EXPORTER.name, ctx.identity(ELASTICSEARCH_EXPORTER.name, ELASTICSEARCH_EXPORTER.component, ctx.values.image.tag));
    return new ElasticsearchExporter(chart, 'elasticsearch-exporter', { values, namespace: ctx.namespace, instance: ctx.stack.instance });
  },
};
