/**
 * The Jaeger index cleaner (`jaegertracing/jaeger-es-index-cleaner`): a CronJob
 * that deletes Jaeger's daily Elasticsearch indices older than the trace
 * retention (`jaeger.elasticsearch.retention`). Its own component (pods, a
 * NetworkPolicy to Elasticsearch), built only while Jaeger stores traces in
 * Elasticsearch. It reads the user and password from the environment only:
 * Secret references, never values.
 */
import { Construct } from 'constructs';
import * as z from 'zod';
import { ComponentDefinition, ComponentProps, MonitoringComponent, resolveNamespace, ServiceEndpoint, ExposedScrapeTarget } from '../core/component';
import { k8s } from '../core/k8s';
import { AppIdentity, PART_OF, selectorLabels } from '../core/labels';
import { container, cronJob, httpProbe, secretFilesVolume } from '../core/workload';
import { edgeTo, GraphContext } from '../network/components';
import type { ComponentPeer, Edge } from '../network/graph';
import { enabled, image, resources } from '../values/types';
import { jaegerElasticsearchUrl } from './config';
import { JAEGER } from './constants';
import type { Jaeger } from './index';
import type { JaegerValues } from './values';
import { parseSettings } from '../values/parsed';

export const jaegerIndexCleanerValues = z
  .strictObject({
    enabled: enabled(true, 'the Jaeger index cleaner CronJob (only while jaeger.storage is elasticsearch)'),
    image: image({ repository: 'docker.io/jaegertracing/jaeger-es-index-cleaner', tag: '2.20.0' }),
    schedule: z.string().min(9).default('15 0 * * *').describe('When it runs (cron, in the time zone of the kube-controller-manager, usually UTC)'),
    resources: resources({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } }),
  })
  .prefault({})
  .describe('Deletes the daily Jaeger indices older than jaeger.elasticsearch.retention');

export type JaegerIndexCleanerValues = z.output<typeof jaegerIndexCleanerValues>;

export interface JaegerIndexCleanerProps extends ComponentProps {
  readonly values?: NonNullable<z.input<typeof jaegerIndexCleanerValues>>;
  /** Jaeger's values: its Elasticsearch, credentials and retention. */
  readonly jaeger: JaegerValues;
}

/** A run-to-completion Job serves nothing to probe: the helper's probes are dropped. */
function withoutProbes(c: k8s.Container): k8s.Container {
  const { readinessProbe: _ready, livenessProbe: _live, ...rest } = c;
  return rest;
}

export class JaegerIndexCleaner extends Construct implements MonitoringComponent {
  public readonly appName = JAEGER.indexCleaner;
  public readonly namespace: string;
  public readonly podSelector: Readonly<Record<string, string>>;
  public readonly services: readonly ServiceEndpoint[] = [];
  public readonly scrapeTargets: readonly ExposedScrapeTarget[] = [];
  public readonly cronJob: k8s.KubeCronJob;
  private readonly jaeger: JaegerValues;

  public constructor(scope: Construct, id: string, props: JaegerIndexCleanerProps) {
    super(scope, id);
    const v = parseSettings(jaegerIndexCleanerValues, props.values);
    this.jaeger = props.jaeger;
    this.namespace = resolveNamespace(scope, props.namespace);
    const identity: AppIdentity = { name: JAEGER.indexCleaner, instance: props.instance ?? PART_OF, component: JAEGER.component, version: v.image.tag };
    this.podSelector = selectorLabels(identity);
    const es = props.jaeger.elasticsearch;
    const user = es.usernameSecret.name;
    const env: k8s.EnvVar[] = [{ name: 'INDEX_PREFIX', value: es.indexPrefix }];
    if (user) {
      env.push({ name: 'ES_USERNAME', valueFrom: { secretKeyRef: { name: user, key: es.usernameSecret.key } } });
      env.push({ name: 'ES_PASSWORD', valueFrom: { secretKeyRef: { name: es.passwordSecret.name ?? user, key: es.passwordSecret.key } } });
    }
    if (es.caSecret.name) env.push({ name: 'ES_TLS_ENABLED', value: 'true' }, { name: 'ES_TLS_CA', value: `${JAEGER.caDir}/${JAEGER.caFile}` });
    const unused = httpProbe('/', 'none');
    const cleaner = withoutProbes(
      container({
        name: JAEGER.indexCleaner,
        image: v.image,
        // NUM_OF_DAYS and the Elasticsearch URL.
        args: [es.retention.replace(/d$/, ''), jaegerElasticsearchUrl(props.jaeger, this.namespace)],
        env,
        resources: v.resources,
        readinessProbe: unused,
        livenessProbe: unused,
        volumeMounts: es.caSecret.name ? [{ name: 'ca', mountPath: JAEGER.caDir, readOnly: true }] : [],
      }),
    );
    this.cronJob = cronJob(this, 'cronjob', {
      name: JAEGER.indexCleaner,
      schedule: v.schedule,
      pod: {
        identity,
        containers: [cleaner],
        volumes: es.caSecret.name ? [secretFilesVolume('ca', [{ ref: es.caSecret, path: JAEGER.caFile }])] : [],
        runAsUser: JAEGER.uid,
      },
    });
  }

  public networkEdges(g: GraphContext, self: ComponentPeer): Edge[] {
    return [edgeTo(g, self, jaegerElasticsearchUrl(this.jaeger, this.namespace), (at) => `delete Jaeger indices older than the retention: Elasticsearch${at}`)];
  }
}

export const jaegerIndexCleanerComponent: ComponentDefinition<typeof jaegerIndexCleanerValues, 'jaegerIndexCleaner'> = {
  key: 'jaegerIndexCleaner',
  values: jaegerIndexCleanerValues,
  uses: ['jaeger'],
  build(ctx) {
    const jaeger = ctx.component<Jaeger>('jaeger');
    if (!jaeger || jaeger.values.storage !== 'elasticsearch') return undefined;
    const chart = ctx.chart(JAEGER.indexCleaner, ctx.identity(JAEGER.indexCleaner, JAEGER.component, ctx.values.image.tag));
    return new JaegerIndexCleaner(chart, 'index-cleaner', { values: ctx.values, jaeger: jaeger.values, namespace: ctx.namespace, instance: ctx.stack.instance });
  },
};
