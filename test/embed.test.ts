/**
 * The constructs are usable in another cdk8s app, without our values, stack or
 * registry: an App written here builds Prometheus, Alertmanager and Grafana in
 * its own chart and wires them by their public endpoints.
 */
import { App, Chart } from 'cdk8s';
import * as yaml from 'js-yaml';
import { Alertmanager } from '../lib/alertmanager';
import { Grafana } from '../lib/grafana';
import { Prometheus } from '../lib/prometheus';
import { Manifest } from '../lib/synth/render';
import { KubernetesValidator } from './support/k8s-schema';
import { findObject } from './support/stack';

const app = new App({ outdir: '/nonexistent-cdk8s-outdir' });
const chart = new Chart(app, 'observability', { namespace: 'observability', disableResourceNameHashes: true });
const alertmanager = new Alertmanager(chart, 'alertmanager', { values: { replicas: 2 } });
const prometheus = new Prometheus(chart, 'prometheus', { values: { retention: '7d' }, alertmanagers: alertmanager.replicaAddresses });
const grafana = new Grafana(chart, 'grafana', {
  values: { datasources: { elasticsearch: { enabled: false }, jaeger: { enabled: false } } },
  datasourceLinks: { urls: { prometheus: prometheus.endpoint.url, alertmanager: alertmanager.endpoint.url } },
});
const objects = chart.toJson() as Manifest[];

test('the objects are valid Kubernetes objects in the chart namespace', () => {
  const validator = new KubernetesValidator();
  expect(objects.filter((o) => validator.validate(o).length > 0).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  expect([...new Set(objects.filter((o) => !o.kind.startsWith('Cluster')).map((o) => o.metadata.namespace))]).toEqual(['observability']);
});

test('the props are the values, with their defaults', () => {
  expect(prometheus.values.retention).toBe('7d');
  expect(prometheus.values.scrapeInterval).toBe('15s');
  const args = (prometheus.statefulSet.toJson() as { spec: { template: { spec: { containers: { args: string[] }[] } } } }).spec.template.spec.containers[0].args;
  expect(args).toContain('--storage.tsdb.retention.time=7d');
});

test('endpoints are public members, in the chart namespace', () => {
  expect(prometheus.endpoint.url).toBe('http://prometheus.observability.svc:9090');
  expect(alertmanager.replicaAddresses).toEqual(['alertmanager-0.alertmanager-cluster.observability.svc:9093', 'alertmanager-1.alertmanager-cluster.observability.svc:9093']);
  expect(grafana.scrapeTargets.map((t) => `${t.job} ${t.namespace} ${t.serviceName}:${t.port.port}`)).toEqual(['grafana observability grafana:3000']);
});

test("Alertmanager's mesh peers are its replicas' cluster ports, and its flags say so", () => {
  expect(alertmanager.meshPeers).toEqual(['alertmanager-0.alertmanager-cluster.observability.svc:9094', 'alertmanager-1.alertmanager-cluster.observability.svc:9094']);
  const args = (alertmanager.statefulSet.toJson() as { spec: { template: { spec: { containers: { args: string[] }[] } } } }).spec.template.spec.containers[0].args;
  expect(args.filter((a) => a.startsWith('--cluster.peer='))).toEqual(alertmanager.meshPeers.map((p) => `--cluster.peer=${p}`));
  const single = new Alertmanager(new Chart(app, 'single', { namespace: 'x' }), 'alertmanager');
  expect(single.meshPeers).toEqual([]);
});

test('Prometheus scrapes itself and alerts the Alertmanager replicas it was given', () => {
  const config = yaml.load((findObject(objects, 'ConfigMap', 'prometheus-config') as unknown as { data: Record<string, string> }).data['prometheus.yml']) as {
    scrape_configs: { job_name: string }[];
    alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  };
  expect(config.scrape_configs.map((sc) => sc.job_name)).toEqual(['prometheus']);
  expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(alertmanager.replicaAddresses);
});

test("Grafana's datasources point at the endpoints it was given", () => {
  expect(grafana.datasources().map((d) => d.url)).toEqual([prometheus.endpoint.url, alertmanager.endpoint.url]);
});
