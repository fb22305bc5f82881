/**
 * Jaeger v2, read from the synthesized objects: its collector-style config
 * binds every endpoint to 0.0.0.0 on the ports the container, the Service,
 * the scrape job and the NetworkPolicy declare; dev keeps traces in memory,
 * staging and prod in our Elasticsearch with credentials and CA from Secrets
 * and daily indices that the index cleaner deletes after the retention;
 * Grafana's Jaeger datasource points at the construct's Service.
 * (No Jaeger binary exists here: the config is checked for its structure and
 * its consistency with the manifests, not loaded by Jaeger.)
 */
import * as yaml from 'js-yaml';
import { PLANNED_SERVICES } from '../lib/catalog/services';
import { JAEGER } from '../lib/jaeger/constants';
import { NetworkPolicy } from '../lib/network/policies';
import { Manifest } from '../lib/synth/render';
import { configMapDataOf, podTemplateOf, PodTemplateJson, serviceSpecOf } from './support/k8s';
import { ENVIRONMENTS, envObjects, findObject } from './support/stack';
import { valuesOf } from './support/values';

type Tree = Record<string, unknown>;
const at = (t: unknown, path: string): unknown => path.split('.').reduce<unknown>((n, k) => (n as Tree | undefined)?.[k], t);

/** Every `endpoint` of the config, by its path. */
function endpoints(config: Tree): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (n: unknown, path: string[]) => {
    if (typeof n !== 'object' || n === null) return;
    for (const [k, v] of Object.entries(n as Tree)) {
      if (k === 'endpoint' && typeof v === 'string') out[path.join('.')] = v;
      else walk(v, [...path, k]);
    }
  };
  walk(config, []);
  return out;
}

describe.each([...ENVIRONMENTS])('%s', (env) => {
  const objects = envObjects(env);
  const v = valuesOf(env);
  const config = yaml.load(configMapDataOf(objects, JAEGER.configMap)[JAEGER.configFile]) as Tree;
  const pod = podTemplateOf(findObject(objects, 'Deployment', JAEGER.name));
  const c = pod.spec.containers[0];

  test('receivers, query, health check and telemetry listen on 0.0.0.0, on the ports the container and Service declare', () => {
    const declared = new Set((c.ports ?? []).map((p) => p.containerPort));
    expect(endpoints(config)).toEqual({
      'extensions.healthcheckv2.http': '0.0.0.0:13133',
      'extensions.jaeger_query.http': '0.0.0.0:16686',
      'extensions.jaeger_query.grpc': '0.0.0.0:16685',
      'receivers.otlp.protocols.grpc': '0.0.0.0:4317',
      'receivers.otlp.protocols.http': '0.0.0.0:4318',
      'receivers.jaeger.protocols.grpc': '0.0.0.0:14250',
      'receivers.jaeger.protocols.thrift_http': '0.0.0.0:14268',
    });
    for (const e of Object.values(endpoints(config))) expect([e, declared.has(Number(e.split(':')[1]))]).toEqual([e, true]);
    const prom = at(config, 'service.telemetry.metrics.readers') as { pull: { exporter: { prometheus: { host: string; port: number } } } }[];
    expect(prom[0].pull.exporter.prometheus).toEqual({ host: '0.0.0.0', port: PLANNED_SERVICES.jaeger.metricsPort.port });
    expect(declared.has(PLANNED_SERVICES.jaeger.metricsPort.port)).toBe(true);
    const svc = serviceSpecOf(objects, JAEGER.name);
    expect(svc.ports.map((p) => [p.port, p.targetPort])).toEqual((c.ports ?? []).map((p) => [p.containerPort, p.name]));
    expect(c.args).toEqual([`--config=${JAEGER.configDir}/${JAEGER.configFile}`]);
    expect(c.volumeMounts).toContainEqual({ name: 'config', mountPath: JAEGER.configDir, readOnly: true });
    expect(c.readinessProbe.httpGet).toEqual(expect.objectContaining({ path: at(config, 'extensions.healthcheckv2.http.status.path'), port: 'http-health' }));
  });

  test('the pipeline, the query and the exporter name components the config defines', () => {
    const svc = at(config, 'service') as { extensions: string[]; pipelines: { traces: Record<string, string[]> } };
    for (const e of svc.extensions) expect(at(config, `extensions.${e}`)).toBeDefined();
    for (const kind of ['receivers', 'processors', 'exporters']) for (const n of svc.pipelines.traces[kind]) expect([kind, n, at(config, `${kind}.${n}`) !== undefined]).toEqual([kind, n, true]);
    const backends = Object.keys(at(config, 'extensions.jaeger_storage.backends') as Tree);
    expect(backends).toEqual([at(config, 'extensions.jaeger_query.storage.traces')]);
    expect(at(config, 'exporters.jaeger_storage_exporter.trace_storage')).toBe(backends[0]);
  });

  test('Prometheus scrapes its telemetry port; Grafana, Prometheus, the app and oauth2-proxy (where the ingress publishes it) reach it, on exactly those ports', () => {
    const prometheusYml = yaml.load(configMapDataOf(objects, 'prometheus-config')['prometheus.yml']) as { scrape_configs: { job_name: string; relabel_configs: { source_labels?: string[]; regex?: string; action: string }[] }[] };
    const job = prometheusYml.scrape_configs.find((s) => s.job_name === 'jaeger')!;
    const keep = (l: string) => job.relabel_configs.find((r) => r.action === 'keep' && r.source_labels?.[0] === l)?.regex;
    expect([keep('__meta_kubernetes_service_name'), keep('__meta_kubernetes_endpointslice_port_name')]).toEqual(['jaeger', 'http-metrics']);
    const policy = findObject(objects, 'NetworkPolicy', JAEGER.name) as unknown as NetworkPolicy;
    const proxied = v.ingress.enabled && v.ingress.hosts.jaeger !== undefined;
    expect(policy.spec.ingress!.map((r) => r.ports!.map((p) => p.port))).toEqual([[8888], [16686], [4317, 4318, 14268, 14250], ...(proxied ? [[16686]] : [])]);
    const ds = (yaml.load(configMapDataOf(objects, 'grafana-datasources')['datasources.yaml']) as { datasources: { name: string; url: string }[] }).datasources;
    expect(ds.find((d) => d.name === 'Jaeger')!.url).toBe(`http://jaeger.${v.namespace}.svc:16686`);
  });

  const storage = v.jaeger.storage;
  const backend = () => at(config, `extensions.jaeger_storage.backends.${JAEGER.storageName}`) as Tree;

  if (storage === 'memory') {
    test('memory storage, one replica replaced on update, no index cleaner', () => {
      expect(backend()).toEqual({ memory: { max_traces: v.jaeger.memory.maxTraces } });
      expect((findObject(objects, 'Deployment', JAEGER.name).spec as { strategy: unknown }).strategy).toEqual({ type: 'Recreate' });
      expect(objects.filter((o) => o.kind === 'CronJob')).toEqual([]);
    });
    return;
  }

  test('Elasticsearch storage on our Elasticsearch Service: user, password and CA from Secrets, daily indices', () => {
    const es = backend().elasticsearch as Tree;
    const url = `https://${PLANNED_SERVICES.elasticsearch.service}.${v.namespace}.svc:${PLANNED_SERVICES.elasticsearch.port.port}`;
    expect(es.server_urls).toEqual([url]);
    // The user name from the environment, set from a Secret; the password and CA from files of mounted Secrets.
    const auth = at(es, 'auth.basic') as { username: string; password_file: string };
    const envName = /^\$\{env:([A-Z_]+)\}$/.exec(auth.username)![1];
    // Its user and the CA are those our Elasticsearch declares (elasticsearch.security.clients.jaeger, the TLS Secret).
    const user = v.elasticsearch.security.clients.jaeger.name!;
    expect(c.env).toContainEqual({ name: envName, valueFrom: { secretKeyRef: { name: user, key: 'username' } } });
    expectSecretFile(pod, auth.password_file, user);
    expectSecretFile(pod, at(es, 'tls.ca_file') as string, v.elasticsearch.security.tls.secretName);
    for (const type of ['spans', 'services', 'dependencies', 'sampling']) {
      expect([type, at(es, `indices.${type}.rotation`)]).toEqual([type, { periodic: { date_layout: '2006-01-02', rollover_frequency: 'day' } }]);
    }
    expect(JSON.stringify(config)).not.toMatch(/"password"/);
  });

  test('the index cleaner deletes indices older than the retention, on the same Elasticsearch, prefix and Secrets', () => {
    const cron = findObject(objects, 'CronJob', JAEGER.indexCleaner) as Manifest & { spec: { schedule: string; jobTemplate: { spec: { template: PodTemplateJson } } } };
    const cpod = cron.spec.jobTemplate.spec.template;
    const cc = cpod.spec.containers[0];
    const es = backend().elasticsearch as Tree;
    expect(cc.image).toMatch(/^docker\.io\/jaegertracing\/jaeger-es-index-cleaner:2\./);
    expect(cc.args).toEqual([v.jaeger.elasticsearch.retention.replace('d', ''), (es.server_urls as string[])[0]]);
    const env = Object.fromEntries((cc.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(env.INDEX_PREFIX).toBe(at(es, 'indices.index_prefix'));
    expect(env.ES_PASSWORD).toEqual({ secretKeyRef: { name: v.elasticsearch.security.clients.jaeger.name, key: 'password' } });
    expectSecretFile(cpod, env.ES_TLS_CA as string, v.elasticsearch.security.tls.secretName);
    const policy = findObject(objects, 'NetworkPolicy', JAEGER.indexCleaner) as unknown as NetworkPolicy;
    expect(policy.metadata.annotations!['network.pynomaly.io/why']).toMatch(/to (pods behind Service elasticsearch\..*|elasticsearch), 9200\/TCP: delete Jaeger indices/);
  });
});

/** `path` is a file of a volume from Secret `secret` mounted in the pod's first container. */
function expectSecretFile(pod: PodTemplateJson, path: string, secret: string): void {
  const mount = (pod.spec.containers[0].volumeMounts ?? []).find((m) => path.startsWith(`${m.mountPath}/`));
  expect([path, mount?.readOnly]).toEqual([path, true]);
  const volume = pod.spec.volumes!.find((vol) => vol.name === mount!.name)!;
  expect([path, volume.secret?.secretName]).toEqual([path, secret]);
  expect(volume.secret!.items!.map((i) => i.path)).toContain(path.slice(mount!.mountPath.length + 1));
}
