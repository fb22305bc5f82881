/**
 * The exporters we deploy (node, Redis, PostgreSQL, Elasticsearch), read from
 * the synthesized objects: ports line up across container, Service, scrape
 * job and NetworkPolicy; credentials are only ever Secret references; the
 * node-exporter DaemonSet reads the host read-only from the host agents'
 * namespace; several Redis/PostgreSQL instances each get an exporter.
 * (That the real exporters run with these flags: live-exporters.test.ts.)
 */
import * as yaml from 'js-yaml';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOBS } from '../lib/catalog/jobs';
import { NODE_EXPORTER } from '../lib/exporters/node';
import { NetworkPolicy } from '../lib/network/policies';
import { Manifest } from '../lib/synth/render';
import { ContainerJson, podTemplateOf, serviceSpecOf } from './support/k8s';
import { ENVIRONMENTS, envObjects, findObject, synthFiles } from './support/stack';
import { errorOf, tempDir, valuesOf } from './support/values';

const EXPORTERS = [
  { name: 'node-exporter', job: JOBS.nodeExporter, port: 9100 },
  { name: 'redis-exporter', job: JOBS.redisExporter, port: 9121 },
  { name: 'postgres-exporter', job: JOBS.postgresExporter, port: 9187 },
  { name: 'elasticsearch-exporter', job: JOBS.elasticsearchExporter, port: 9114 },
  { name: 'blackbox-exporter', job: JOBS.blackboxExporter, port: 9115 },
] as const;

const byName = (name: string) => (o: Manifest) => (o.metadata as { labels?: Record<string, string> }).labels?.['app.kubernetes.io/name'] === name;
const workloadsOf = (objects: readonly Manifest[], name: string) => objects.filter((o) => ['Deployment', 'DaemonSet'].includes(o.kind) && byName(name)(o));

interface ScrapeConfigJson {
  job_name: string;
  kubernetes_sd_configs: { namespaces: { names: string[] } }[];
  relabel_configs: { source_labels?: string[]; regex?: string; action: string }[];
}
function scrapeConfigs(objects: readonly Manifest[]): ScrapeConfigJson[] {
  const cm = findObject(objects, 'ConfigMap', 'prometheus-config') as unknown as { data: Record<string, string> };
  return (yaml.load(cm.data['prometheus.yml']) as { scrape_configs: ScrapeConfigJson[] }).scrape_configs;
}
const keeps = (sc: ScrapeConfigJson, label: string) => sc.relabel_configs.find((r) => r.action === 'keep' && r.source_labels?.[0] === label)?.regex;

describe.each([...ENVIRONMENTS])('%s', (env) => {
  const objects = envObjects(env);
  const v = valuesOf(env);
  const hostAgents = `${v.namespace}-host-agents`;

  test.each(EXPORTERS)('$name: ports line up across container, Service, scrape job and NetworkPolicy', ({ name, job, port }) => {
    const workloads = workloadsOf(objects, name);
    expect(workloads.length).toBeGreaterThan(0);
    const svc = serviceSpecOf(objects, name);
    expect(svc.ports).toEqual([{ name: 'http-metrics', port, targetPort: 'http-metrics', protocol: 'TCP' }]);
    for (const w of workloads) {
      const c = podTemplateOf(w).spec.containers[0];
      expect([w.metadata.name, c.ports]).toEqual([w.metadata.name, [{ name: 'http-metrics', containerPort: port, protocol: 'TCP' }]]);
      // Every endpoint is bound explicitly on all addresses.
      const listen = [...(c.args ?? []), ...(c.env ?? []).map((e) => `${e.name}=${e.value}`)].find((a) => /listen.address/i.test(a));
      expect([w.metadata.name, listen?.endsWith(`=0.0.0.0:${port}`)]).toEqual([w.metadata.name, true]);
      expect(Object.entries(svc.selector).every(([k, val]) => podTemplateOf(w).metadata.labels[k] === val)).toBe(true);
    }
    const sc = scrapeConfigs(objects).filter((s) => s.job_name === job);
    expect(sc).toHaveLength(1);
    const namespace = name === 'node-exporter' ? hostAgents : v.namespace;
    expect(sc[0].kubernetes_sd_configs[0].namespaces.names).toEqual([namespace]);
    expect(keeps(sc[0], '__meta_kubernetes_service_name')).toBe(name);
    expect(keeps(sc[0], '__meta_kubernetes_endpointslice_port_name')).toBe('http-metrics');
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name && o.metadata.namespace === namespace) as unknown as NetworkPolicy;
    expect(policy.spec.ingress).toEqual([
      expect.objectContaining({ ports: [{ port, protocol: 'TCP' }], from: [expect.objectContaining({ podSelector: { matchLabels: expect.objectContaining({ 'app.kubernetes.io/name': 'prometheus' }) } })] }),
    ]);
  });

  test('no credential in any exporter: passwords are files of Secrets or Secret references', () => {
    for (const { name } of EXPORTERS) {
      for (const w of workloadsOf(objects, name)) {
        const c = podTemplateOf(w).spec.containers[0] as ContainerJson;
        for (const e of c.env ?? []) {
          if (e.valueFrom) expect([e.name, Object.keys(e.valueFrom as object)]).toEqual([e.name, ['secretKeyRef']]);
          if (/PASS|PASSWORD|USERNAME/.test(e.name) && !e.name.endsWith('_FILE')) expect([e.name, e.value]).toEqual([e.name, undefined]);
          // A file path never holds the secret itself; a URI never holds user:password@.
          expect([e.name, /:\/\/[^/\s]*@/.test(e.value ?? '')]).toEqual([e.name, false]);
        }
        expect([w.metadata.name, (c.args ?? []).filter((a) => /password|@/i.test(a))]).toEqual([w.metadata.name, []]);
      }
    }
    const pg = podTemplateOf(workloadsOf(objects, 'postgres-exporter')[0]);
    const passFile = pg.spec.containers[0].env!.find((e) => e.name === 'DATA_SOURCE_PASS_FILE')!.value!;
    const mount = pg.spec.containers[0].volumeMounts!.find((m) => passFile.startsWith(`${m.mountPath}/`))!;
    expect(pg.spec.volumes!.find((vol) => vol.name === mount.name)!.secret!.secretName).toBe('postgres-exporter');
  });

  test('node-exporter: a DaemonSet on every node in the host agents namespace, reading the host read-only', () => {
    const ds = findObject(objects, 'DaemonSet', NODE_EXPORTER.name);
    expect(ds.metadata.namespace).toBe(hostAgents);
    const pod = podTemplateOf(ds);
    const spec = pod.spec as typeof pod.spec & { tolerations: unknown[]; dnsPolicy: string };
    expect([spec.hostNetwork, spec.hostPID, spec.automountServiceAccountToken]).toEqual([true, true, false]);
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod.metadata.annotations?.['security.pynomaly.io/exception']).toMatch(/host network/);
    const c = spec.containers[0];
    expect([c.securityContext.runAsNonRoot, c.securityContext.readOnlyRootFilesystem, c.securityContext.capabilities?.add]).toEqual([true, true, undefined]);
    // Each --path.* flag points where its host path is mounted, read-only.
    const mounts = new Map((c.volumeMounts ?? []).map((m) => [m.mountPath, m]));
    const hostPaths = new Map((spec.volumes ?? []).map((vol) => [vol.name, (vol as { hostPath?: { path: string } }).hostPath?.path]));
    const pathFlags: Record<string, string> = Object.fromEntries((c.args ?? []).filter((a) => a.startsWith('--path.')).map((a) => a.slice(2).split('=')));
    expect(Object.fromEntries(Object.entries(pathFlags).map(([f, p]) => [f, hostPaths.get(mounts.get(p)!.name)]))).toEqual({ 'path.procfs': '/proc', 'path.sysfs': '/sys', 'path.rootfs': '/' });
    for (const m of mounts.values()) expect([m.mountPath, m.readOnly]).toEqual([m.mountPath, true]);
    // The original's exclusions: pseudo filesystems and the host mounts themselves.
    const exclude = new RegExp((c.args ?? []).find((a) => a.startsWith('--collector.filesystem.mount-points-exclude='))!.split('=')[1]);
    for (const excluded of ['/sys', '/proc/1', '/dev', '/host/root', '/etc/hosts', '/var/lib/kubelet/pods/x']) expect([excluded, exclude.test(excluded)]).toEqual([excluded, true]);
    for (const kept of ['/', '/data', '/var']) expect([kept, exclude.test(kept)]).toEqual([kept, false]);
    // Prometheus may reach it at the node's address (host network).
    const prom = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'prometheus') as unknown as NetworkPolicy;
    expect(prom.metadata.annotations!['network.pynomaly.io/why']).toMatch(/9100\/TCP: scrape job node-exporter \(\/metrics\), when on the host network/);
  });

  test('the Elasticsearch exporter reads our Elasticsearch Service: http without a CA, https with the CA and user from Secrets', () => {
    const c = podTemplateOf(workloadsOf(objects, 'elasticsearch-exporter')[0]).spec.containers[0];
    // The CA and the monitoring user come from our Elasticsearch (elasticsearch.security.*), where its security is on.
    const tls = v.elasticsearch.security.enabled;
    expect(c.args).toContain(`--es.uri=${tls ? 'https' : 'http'}://elasticsearch.${v.namespace}.svc:9200`);
    expect((c.args ?? []).some((a) => a.startsWith('--es.ca='))).toBe(tls);
    expect((c.env ?? []).map((e) => e.name)).toEqual(tls ? ['ES_USERNAME', 'ES_PASSWORD'] : []);
    if (tls) expect((c.env![0] as { valueFrom?: { secretKeyRef?: unknown } }).valueFrom?.secretKeyRef).toEqual({ name: v.elasticsearch.security.clients.monitoring.name, key: 'username' });
  });
});

describe('several instances', () => {
  const dir = tempDir('exporters-');
  const file = join(dir, 'instances.yaml');
  writeFileSync(
    file,
    yaml.dump({
      redisExporter: {
        instances: [
          { name: 'cache', address: 'redis://redis.pynomaly.svc:6379', passwordSecret: { name: 'redis-exporter' } },
          { name: 'queue', address: 'redis://queue.pynomaly-jobs.svc:6380' },
        ],
      },
      postgresExporter: {
        instances: [
          { name: 'main', uri: 'postgres.pynomaly.svc:5432/pynomaly?sslmode=require' },
          { name: 'analytics', uri: 'analytics-db.pynomaly.svc:5433/analytics?sslmode=require', user: 'monitor', passwordSecret: { name: 'analytics-db', key: 'monitor-password' } },
        ],
      },
    }),
  );
  const files = synthFiles({ envs: ['prod'], valuesFiles: [file] });
  const objects = (yaml.loadAll([...files].filter(([p]) => p.startsWith('prod/') && p.endsWith('.yaml') && !p.slice(5).includes('/')).map(([, c]) => c).join('\n---\n')) as Manifest[]).filter(Boolean);

  test('each instance has its own Deployment behind the one Service and scrape job, and the policy reaches each server', () => {
    expect(workloadsOf(objects, 'redis-exporter').map((o) => o.metadata.name)).toEqual(['redis-exporter-cache', 'redis-exporter-queue']);
    expect(workloadsOf(objects, 'postgres-exporter').map((o) => o.metadata.name)).toEqual(['postgres-exporter-main', 'postgres-exporter-analytics']);
    const envOf = (name: string) => Object.fromEntries(podTemplateOf(findObject(objects, 'Deployment', name)).spec.containers[0].env!.map((e) => [e.name, e.value]));
    expect(envOf('redis-exporter-queue')).toEqual({ REDIS_ADDR: 'redis://queue.pynomaly-jobs.svc:6380', REDIS_EXPORTER_WEB_LISTEN_ADDRESS: '0.0.0.0:9121' });
    expect(envOf('postgres-exporter-analytics')).toMatchObject({ DATA_SOURCE_URI: 'analytics-db.pynomaly.svc:5433/analytics?sslmode=require', DATA_SOURCE_USER: 'monitor' });
    expect(scrapeConfigs(objects).filter((s) => s.job_name === JOBS.redisExporter)).toHaveLength(1);
    const why = (name: string) => (findObject(objects, 'NetworkPolicy', name).metadata as { annotations: Record<string, string> }).annotations['network.pynomaly.io/why'];
    expect(why('redis-exporter')).toContain('to pods behind Service queue.pynomaly-jobs, 6380/TCP');
    expect(why('redis-exporter')).toContain('to pods behind Service redis.pynomaly, 6379/TCP');
    expect(why('postgres-exporter')).toContain('to pods behind Service analytics-db.pynomaly, 5433/TCP');
  });

  test('instance names are unique, and a password never goes into an address', () => {
    const twice = { instances: [{ name: 'a', address: 'redis://r:6379' }, { name: 'a', address: 'redis://s:6379' }] };
    expect(errorOf(() => valuesOf('prod', [], { redisExporter: twice }))).toMatch(/instance names must be unique/);
    expect(errorOf(() => valuesOf('prod', [], { postgresExporter: { instances: [{ name: 'a', uri: 'user:secret@db:5432/x' }] } }))).toMatch(/no user or password/);
  });
});

describe('the blackbox exporter probes Kibana, and KibanaDown exists exactly where it does', () => {
  const rulesOf = (objects: readonly Manifest[]) => Object.values((findObject(objects, 'ConfigMap', 'prometheus-rules') as unknown as { data: Record<string, string> }).data).join('\n');
  const probeJob = (objects: readonly Manifest[]) => {
    const cm = findObject(objects, 'ConfigMap', 'prometheus-config') as unknown as { data: Record<string, string> };
    return (yaml.load(cm.data['prometheus.yml']) as { scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[] }).scrape_configs.find((sc) => sc.job_name === JOBS.blackboxProbe);
  };

  test.each([...ENVIRONMENTS])('%s: Kibana /api/status probed, KibanaDown among the rules', (env) => {
    const objects = envObjects(env);
    const ns = valuesOf(env).namespace;
    expect(probeJob(objects)?.static_configs?.flatMap((c) => c.targets)).toEqual([`http://kibana.${ns}.svc:5601/api/status`]);
    expect(rulesOf(objects)).toContain('alert: KibanaDown');
  });

  test.each([
    ['blackboxExporter.enabled=false', 'no prober'],
    ['kibana.enabled=false', 'nothing to probe'],
  ])('%s (%s): no probe job and no KibanaDown (whose absent() would fire forever)', (set) => {
    const objects = envObjects('prod', { sets: [set] });
    expect(probeJob(objects)).toBeUndefined();
    expect(rulesOf(objects)).not.toContain('KibanaDown');
  });
});
