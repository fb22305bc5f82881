/**
 * Kibana: a Deployment reading our Elasticsearch (its URL and CA from the
 * construct), probed on /api/status, with stable encryption keys and its
 * Elasticsearch credentials from Secrets. kibana.yml reads them as ${VAR}
 * from environment variables set by secretKeyRef (Kibana has no file
 * references); nothing secret is in the ConfigMap.
 *
 * Kibana serves plain HTTP inside the cluster: terminate TLS at your ingress.
 * It exposes no Prometheus metrics: it has no scrape target.
 */
import { Construct } from 'constructs';
import * as z from 'zod';
import { ComponentConstruct, ComponentDefinition, ComponentProps, ExposedScrapeTarget, MonitoringComponent, ProbedEndpoint, ServiceEndpoint } from '../core/component';
import { k8s } from '../core/k8s';
import { checksum, container, deployment, httpProbe, service } from '../core/workload';
import type { ElasticsearchClientAccess } from '../grafana';
import { publicUrlOf } from '../ingress';
import { edgeTo, GraphContext } from '../network/components';
import type { ComponentPeer, Edge } from '../network/graph';
import { toYaml } from '../synth/yaml';
import { ValuesError } from '../values/errors';
import { keystoreInit } from '../logs/keystore';
import { prepareConfigContainer, prepareConfigScript } from '../logs/prepare-config';
import { ELASTICSEARCH_PASSWORD_SETTING, ENCRYPTION_KEYS, KIBANA } from './constants';
import { CLIENT_SECRET_KEYS, KIBANA_SYSTEM_USER } from '../elasticsearch/users';
import { KibanaValues, kibanaValues } from './values';
import { parseSettings } from '../values/parsed';

export { KIBANA } from './constants';

export type KibanaSettings = NonNullable<z.input<typeof kibanaValues>>;

export interface KibanaProps extends ComponentProps {
  readonly values?: KibanaSettings;
  readonly elasticsearch: { readonly url: string; readonly access?: ElasticsearchClientAccess };
}

export class Kibana extends ComponentConstruct<KibanaValues> {
  public readonly services: readonly ServiceEndpoint[];
  public override readonly scrapeTargets: readonly ExposedScrapeTarget[] = [];
  /** No metrics of its own: the blackbox exporter probes /api/status (KibanaDown). */
  public readonly probedEndpoints: readonly ProbedEndpoint[];
  /** The rendered kibana.yml. */
  public readonly config: Record<string, unknown>;
  public readonly deployment: k8s.KubeDeployment;
  /** Kibana asks for a login only with Elasticsearch security on (it authenticates users against it). */
  public readonly ownLogin: boolean;
  private readonly elasticsearchUrl: string;

  public constructor(scope: Construct, id: string, props: KibanaProps) {
    super(scope, id, props, { ...KIBANA, job: 'kibana', targetKey: 'kibana' }, parseSettings(kibanaValues, props.values));
    const v = this.values;
    this.services = [this.endpoint];
    this.probedEndpoints = [{ service: KIBANA.name, url: `${this.endpoint.url}${KIBANA.statusPath}` }];
    this.elasticsearchUrl = props.elasticsearch.url;
    const secure = props.elasticsearch.access;
    this.ownLogin = secure !== undefined;
    this.config = {
      'server.host': '0.0.0.0',
      'server.port': KIBANA.port.port,
      'server.name': KIBANA.name,
      ...(v.publicBaseUrl ? { 'server.publicBaseUrl': v.publicBaseUrl } : {}),
      'elasticsearch.hosts': [props.elasticsearch.url],
      ...(secure
        ? {
            // The built-in user; the logs bootstrap sets its password from elasticsearch.security.clients.kibana.
            'elasticsearch.username': KIBANA_SYSTEM_USER,
            // elasticsearch.password: from the keystore.
            'elasticsearch.ssl.certificateAuthorities': [`${KIBANA.caDir}/ca.crt`],
            'elasticsearch.ssl.verificationMode': 'full',
          }
        : {}),
      // The encryption keys: from the keystore.
      // The probes read /api/status without credentials.
      'status.allowAnonymous': true,
      'path.data': KIBANA.dataDir,
      'telemetry.optIn': false,
      'telemetry.allowChangingOptInStatus': false,
      'newsfeed.enabled': false,
    };
    const data = { 'kibana.yml': toYaml(this.config), 'prepare.sh': prepareConfigScript(KIBANA.configDir, KIBANA.staticConfigDir, ['kibana.yml']) };
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: KIBANA.configMap }, data });
    service(this, 'service', { name: KIBANA.name, identity: this.identity, ports: [KIBANA.port] });

    const password = secure?.credentials.kibana;
    const keystore = keystoreInit({
      tool: 'kibana',
      image: v.image,
      home: KIBANA.home,
      configDir: KIBANA.configDir,
      secrets: [
        ...ENCRYPTION_KEYS.map((k) => ({ setting: k.setting, file: k.secretKey, ref: { name: v.encryptionKeys.secretName, key: k.secretKey } })),
        ...(password ? [{ setting: ELASTICSEARCH_PASSWORD_SETTING, file: 'elasticsearch-password', ref: { name: password.name, key: CLIENT_SECRET_KEYS.password } }] : []),
      ],
      tmpDir: KIBANA.tmpDir,
    });
    const port = KIBANA.port.name;
    const kibana = container({
      name: KIBANA.name,
      image: v.image,
      ports: [KIBANA.port],
      resources: v.resources,
      readinessProbe: httpProbe(KIBANA.statusPath, port, { periodSeconds: 10 }),
      livenessProbe: httpProbe(KIBANA.statusPath, port, { periodSeconds: 20, failureThreshold: 6 }),
      // Saved-object migrations on the first start of a version take minutes.
      startupProbe: httpProbe(KIBANA.statusPath, port, { periodSeconds: 10, failureThreshold: 60 }),
      volumeMounts: [
        { name: 'config-local', mountPath: KIBANA.configDir },
        { name: 'data', mountPath: KIBANA.dataDir },
        { name: 'tmp', mountPath: KIBANA.tmpDir },
        ...(secure ? [{ name: 'elasticsearch-ca', mountPath: KIBANA.caDir, readOnly: true }] : []),
      ],
    });
    this.deployment = deployment(this, 'deployment', {
      name: KIBANA.name,
      replicas: v.replicas,
      pod: {
        identity: this.identity,
        initContainers: [prepareConfigContainer(v.image, KIBANA.staticConfigDir), keystore.container],
        containers: [kibana],
        runAsUser: KIBANA.uid,
        annotations: { 'checksum/config': checksum(data) },
        volumes: [
          { name: 'config', configMap: { name: KIBANA.configMap, defaultMode: 0o555 } },
          { name: 'config-local', emptyDir: { sizeLimit: k8s.Quantity.fromString('32Mi') } },
          keystore.volume,
          { name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
          { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('512Mi') } },
          ...(secure ? [{ name: 'elasticsearch-ca', secret: { secretName: secure.ca.name!, items: [{ key: secure.ca.key, path: 'ca.crt' }], defaultMode: 0o440 } }] : []),
        ],
      },
    });
  }

  public override networkEdges(g: GraphContext, self: ComponentPeer): Edge[] {
    return [edgeTo(g, self, this.elasticsearchUrl, (at) => `elasticsearch.hosts${at}`)];
  }
}

/** The registry entry. */
export const kibanaComponent: ComponentDefinition<typeof kibanaValues, 'kibana'> = {
  key: 'kibana',
  values: kibanaValues,
  uses: ['elasticsearch', 'ingress'],
  build(ctx) {
    const es = ctx.component<MonitoringComponent & { endpoint: ServiceEndpoint; clientAccess?: ElasticsearchClientAccess }>('elasticsearch');
    if (!es) throw new ValuesError('kibana.enabled: Kibana reads our Elasticsearch, which elasticsearch.enabled=false switches off; set kibana.enabled=false too');
    const chart = ctx.chart(KIBANA.name, ctx.identity(KIBANA.name, KIBANA.component, ctx.values.image.tag));
    const values = { ...ctx.values, publicBaseUrl: ctx.values.publicBaseUrl ?? publicUrlOf(ctx.component, 'kibana') };
    return new Kibana(chart, 'kibana', { values, namespace: ctx.namespace, instance: ctx.stack.instance, elasticsearch: { url: es.endpoint.url, access: es.clientAccess } });
  },
};
