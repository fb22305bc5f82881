/**
 * The blackbox exporter: probes the HTTP endpoints of our components that
 * export no metrics of their own (Kibana's /api/status), so an outage shows
 * as `probe_success 0` instead of silence. Prometheus scrapes it twice: its
 * own /metrics (job `blackbox-exporter`) and /probe with the multi-target
 * pattern (job `blackbox`: one static target per probed URL, relabelled into
 * the `target` parameter; lib/prometheus/scrape-config.ts).
 *
 * The probed endpoints are what the built components declare
 * (`MonitoringComponent.probedEndpoints`); its NetworkPolicy follows from them.
 */
import { Construct } from 'constructs';
import * as z from 'zod';
import { JOBS } from '../catalog/jobs';
import { ComponentConstruct, ComponentDefinition, ComponentProps, ExposedScrapeTarget, ProbedEndpoint, ServiceEndpoint } from '../core/component';
import { k8s } from '../core/k8s';
import { checksum, container, deployment, httpProbe, service } from '../core/workload';
import { edgeTo, GraphContext } from '../network/components';
import type { ComponentPeer, Edge } from '../network/graph';
import { toYaml } from '../synth/yaml';
import { duration, enabled, image, resources } from '../values/types';
import { listenAddress } from './common';
import { parseSettings } from '../values/parsed';

export const BLACKBOX_EXPORTER = {
  name: 'blackbox-exporter',
  component: 'probes',
  port: { name: 'http-metrics', port: 9115 },
  /** nobody: the image's own user. */
  uid: 65534,
  configMap: 'blackbox-exporter-config',
  configDir: '/etc/blackbox_exporter',
  configFile: 'blackbox.yml',
  probePath: '/probe',
  /** The module every probed endpoint uses: GET, 200 only, no redirects. */
  httpModule: 'http_2xx',
} as const;

export const blackboxExporterValues = z
  .strictObject({
    enabled: enabled(true, 'the blackbox exporter (probes Kibana, which exports no metrics)'),
    image: image({ repository: 'quay.io/prometheus/blackbox-exporter', tag: 'v0.29.1' }),
    resources: resources({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } }),
    probeTimeout: duration('5s', 'How long one probe may take (the module timeout; below the scrape timeout)'),
  })
  .prefault({})
  .describe('The blackbox exporter: HTTP probes of the components without metrics of their own');

export type BlackboxExporterValues = z.output<typeof blackboxExporterValues>;

/** blackbox.yml: the one HTTP module. Accepted by Debian's blackbox_exporter 0.23 (test/live-exporters.test.ts). */
export function blackboxConfig(v: Pick<BlackboxExporterValues, 'probeTimeout'>): Record<string, unknown> {
  return {
    modules: {
      [BLACKBOX_EXPORTER.httpModule]: {
        prober: 'http',
        timeout: v.probeTimeout,
        http: { method: 'GET', valid_status_codes: [200], follow_redirects: false, preferred_ip_protocol: 'ip4' },
      },
    },
  };
}

export function blackboxExporterArgs(): string[] {
  return [`--config.file=${BLACKBOX_EXPORTER.configDir}/${BLACKBOX_EXPORTER.configFile}`, `--web.listen-address=${listenAddress(BLACKBOX_EXPORTER.port)}`];
}

export interface BlackboxExporterProps extends ComponentProps {
  readonly values?: NonNullable<z.input<typeof blackboxExporterValues>>;
  /** What it probes. @default nothing (its own metrics only) */
  readonly endpoints?: readonly ProbedEndpoint[];
}

export class BlackboxExporter extends ComponentConstruct<BlackboxExporterValues> {
  public readonly services: readonly ServiceEndpoint[];
  public override readonly scrapeTargets: readonly ExposedScrapeTarget[];
  public readonly endpoints: readonly ProbedEndpoint[];
  public readonly deployment: k8s.KubeDeployment;

  public constructor(scope: Construct, id: string, props: BlackboxExporterProps = {}) {
    super(scope, id, props, { ...BLACKBOX_EXPORTER, job: JOBS.blackboxExporter, targetKey: 'blackboxExporter' }, parseSettings(blackboxExporterValues, props.values));
    this.services = [this.endpoint];
    this.endpoints = props.endpoints ?? [];
    const own: ExposedScrapeTarget = { key: 'blackboxExporter', job: JOBS.blackboxExporter, path: '/metrics', namespace: this.namespace, selector: this.podSelector, serviceName: BLACKBOX_EXPORTER.name, port: BLACKBOX_EXPORTER.port };
    this.scrapeTargets = [
      own,
      { ...own, key: 'blackboxProbe', job: JOBS.blackboxProbe, path: BLACKBOX_EXPORTER.probePath, probe: { module: BLACKBOX_EXPORTER.httpModule, targets: this.endpoints } },
    ];
    const configYaml = toYaml(blackboxConfig(this.values));
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: BLACKBOX_EXPORTER.configMap }, data: { [BLACKBOX_EXPORTER.configFile]: configYaml } });
    service(this, 'service', { name: BLACKBOX_EXPORTER.name, identity: this.identity, ports: [BLACKBOX_EXPORTER.port] });
    const port = BLACKBOX_EXPORTER.port.name;
    const exporter = container({
      name: BLACKBOX_EXPORTER.name,
      image: this.values.image,
      args: blackboxExporterArgs(),
      ports: [BLACKBOX_EXPORTER.port],
      resources: this.values.resources,
      readinessProbe: httpProbe('/-/healthy', port),
      livenessProbe: httpProbe('/-/healthy', port, { periodSeconds: 20 }),
      volumeMounts: [{ name: 'config', mountPath: BLACKBOX_EXPORTER.configDir, readOnly: true }],
    });
    this.deployment = deployment(this, 'deployment', {
      name: BLACKBOX_EXPORTER.name,
      pod: {
        identity: this.identity,
        containers: [exporter],
        volumes: [{ name: 'config', configMap: { name: BLACKBOX_EXPORTER.configMap } }],
        runAsUser: BLACKBOX_EXPORTER.uid,
        annotations: { 'checksum/config': checksum(configYaml) },
      },
    });
  }

  public override networkEdges(g: GraphContext, self: ComponentPeer): Edge[] {
    return this.endpoints.map((e) => edgeTo(g, self, e.url, (at) => `probe ${e.service} (${BLACKBOX_EXPORTER.httpModule}${at})`));
  }
}

export const blackboxExporterComponent: ComponentDefinition<typeof blackboxExporterValues, 'blackboxExporter'> = {
  key: 'blackboxExporter',
  values: blackboxExporterValues,
  // Built after the components it may probe; it probes whatever they declare.
  uses: ['kibana'],
  build(ctx) {
    const endpoints = ctx.components().flatMap((c) => c.probedEndpoints ?? []);
    const chart = ctx.chart(BLACKBOX_EXPORTER.name, ctx.identity(BLACKBOX_EXPORTER.name, BLACKBOX_EXPORTER.component, ctx.values.image.tag));
    return new BlackboxExporter(chart, 'blackbox-exporter', { values: ctx.values, namespace: ctx.namespace, instance: ctx.stack.instance, endpoints });
  },
};
