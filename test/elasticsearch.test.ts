/**
 * Elasticsearch: topology per environment, the bootstrap rule of
 * cluster.initial_master_nodes (the rendered start script run against stub
 * peers), the heap rule, the vm.max_map_count strategies, TLS and credentials
 * by reference, and Grafana's datasource following the construct.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { Elasticsearch, ELASTICSEARCH } from '../lib/elasticsearch';
import { ELASTIC_PASSWORD_FILE } from '../lib/elasticsearch/config';
import { buildComponents } from '../lib/stack';
import { configMapDataOf, containerOf, podOf, serviceSpecOf } from './support/k8s';
import { envObjects, findObject } from './support/stack';
import { errorOf, tempDir, valuesOf } from './support/values';

const config = (env: string, sets: readonly string[] = []) => configMapDataOf(envObjects(env, { sets }), ELASTICSEARCH.configMap);
const esYml = (env: string, sets: readonly string[] = []) => yaml.load(config(env, sets)['elasticsearch.yml']) as Record<string, unknown>;

describe('topology', () => {
  test('dev: one node, single-node discovery, security off, no PodDisruptionBudget', () => {
    const objects = envObjects('dev');
    const sts = findObject(objects, 'StatefulSet', ELASTICSEARCH.name) as unknown as { spec: { replicas: number; volumeClaimTemplates: unknown[]; serviceName: string } };
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.serviceName).toBe(ELASTICSEARCH.headlessService);
    expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
    const yml = esYml('dev');
    expect(yml).toMatchObject({ 'discovery.type': 'single-node', 'xpack.security.enabled': false, 'node.store.allow_mmap': false });
    expect(yml['discovery.seed_hosts']).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === ELASTICSEARCH.name)).toEqual([]);
    expect(config('dev')['start.sh']).not.toContain('initial_master_nodes');
  });

  test.each(['staging', 'prod'])('%s: three nodes seeded by the headless Service, spread over hosts and zones, a PDB, TLS on both layers', (env) => {
    const objects = envObjects(env);
    const ns = valuesOf(env).namespace;
    expect((findObject(objects, 'StatefulSet', ELASTICSEARCH.name).spec as { replicas: number }).replicas).toBe(3);
    const yml = esYml(env);
    expect(yml['discovery.type']).toBeUndefined();
    expect(yml['discovery.seed_hosts']).toEqual([`${ELASTICSEARCH.headlessService}.${ns}.svc:9300`]);
    expect(yml).toMatchObject({ 'xpack.security.enabled': true, 'xpack.security.http.ssl.enabled': true, 'xpack.security.transport.ssl.enabled': true });
    // Never in the config file: only the start script passes it, and only while no cluster has formed.
    expect(Object.keys(yml).filter((k) => k.includes('initial_master_nodes'))).toEqual([]);
    expect(findObject(objects, 'PodDisruptionBudget', ELASTICSEARCH.name).spec).toMatchObject({ maxUnavailable: 1 });
    const pod = podOf(objects, 'StatefulSet', ELASTICSEARCH.name);
    const spread = (pod.spec as unknown as { topologySpreadConstraints: { topologyKey: string; whenUnsatisfiable: string }[] }).topologySpreadConstraints;
    expect(spread.map((c) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([
      ['kubernetes.io/hostname', 'DoNotSchedule'],
      ['topology.kubernetes.io/zone', 'ScheduleAnyway'],
    ]);
    const es = containerOf(pod, ELASTICSEARCH.name);
    expect(es.env).toContainEqual({ name: 'ELASTIC_PASSWORD_FILE', value: ELASTIC_PASSWORD_FILE });
    expect(pod.spec.volumes?.find((v) => v.name === 'certs')).toMatchObject({ secret: { secretName: 'elasticsearch-tls' } });
  });

  test('the headless Service publishes not-ready addresses and carries transport; the client Service is elasticsearch:9200', () => {
    const objects = envObjects('prod');
    const headless = serviceSpecOf(objects, ELASTICSEARCH.headlessService) as unknown as { clusterIP: string; publishNotReadyAddresses: boolean; ports: { port: number }[] };
    expect([headless.clusterIP, headless.publishNotReadyAddresses]).toEqual(['None', true]);
    expect(headless.ports.map((p) => p.port)).toContain(9300);
    expect(serviceSpecOf(objects, 'elasticsearch').ports.map((p) => [p.name, p.port])).toEqual([['http', 9200]]);
  });

  test('readiness is the readiness.port socket; a preStop hook lets the endpoints go first', () => {
    const es = containerOf(podOf(envObjects('prod'), 'StatefulSet', ELASTICSEARCH.name), ELASTICSEARCH.name) as unknown as {
      readinessProbe: { tcpSocket: { port: string } };
      ports: { name: string; containerPort: number }[];
      lifecycle: { preStop: { exec: { command: string[] } } };
    };
    const readiness = es.ports.find((p) => p.name === es.readinessProbe.tcpSocket.port);
    expect(readiness?.containerPort).toBe(esYml('prod')['readiness.port']);
    expect(es.lifecycle.preStop.exec.command[0]).toBe('sleep');
  });

  test('two nodes are refused: no quorum survives either one stopping', () => {
    expect(errorOf(() => valuesOf('prod', ['elasticsearch.replicas=2']))).toMatch(/elasticsearch\.replicas: use 1 or at least 3 nodes/);
  });

  test('index replicas that cannot be placed are refused', () => {
    expect(errorOf(() => buildComponents(valuesOf('dev', ['elasticsearch.indexReplicas=1'])))).toMatch(/^elasticsearch\.indexReplicas: 1 replicas cannot be placed on 1 node/);
    expect(() => buildComponents(valuesOf('prod', ['elasticsearch.indexReplicas=2']))).not.toThrow();
  });
});

describe('bootstrap: cluster.initial_master_nodes only while no formed cluster answers', () => {
  /** Runs the rendered start.sh with `curl` answering `uuid` (or failing) and the image's entrypoint echoing its arguments. */
  function start(env: string, peerAnswer: string | undefined, podName = 'elasticsearch-1'): string {
    const dir = tempDir('es-start-');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const stub = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    stub('curl', peerAnswer === undefined ? 'exit 7' : `cat >/dev/null; echo '${peerAnswer}'`);
    stub('entrypoint', 'echo "ENTRYPOINT $*"');
    writeFileSync(join(dir, 'password'), 'not-a-real-password');
    const script = config(env)
      ['start.sh'].replaceAll(ELASTICSEARCH.entrypoint, join(bin, 'entrypoint'))
      .replaceAll(ELASTIC_PASSWORD_FILE, join(dir, 'password'))
      .replace(`cd ${ELASTICSEARCH.home}`, `cd ${dir}`);
    writeFileSync(join(dir, 'start.sh'), script);
    return execFileSync('bash', [join(dir, 'start.sh')], { env: { PATH: `${bin}:/usr/bin:/bin`, POD_NAME: podName }, encoding: 'utf8' });
  }

  test('first start of the whole set (no peer answers): bootstraps with the initial nodes', () => {
    expect(start('prod', undefined)).toContain('ENTRYPOINT eswrapper -Ecluster.initial_master_nodes=elasticsearch-0,elasticsearch-1,elasticsearch-2');
  });
  test('peers up but not formed yet (cluster_uuid _na_): bootstraps', () => {
    expect(start('prod', '{"cluster_uuid" : "_na_"}')).toContain('-Ecluster.initial_master_nodes=');
  });
  test('a formed cluster answers (restart, scale-up, replaced volume): joins without the setting', () => {
    const out = start('prod', '{"cluster_uuid" : "Xy7pQ2aRT9mJ0bN4cK1e_w"}', 'elasticsearch-3');
    expect(out).toContain('a formed cluster answers');
    expect(out).toMatch(/^ENTRYPOINT eswrapper$/m);
  });
  test('a single node never sets it (single-node discovery)', () => {
    expect(start('dev', undefined, 'elasticsearch-0')).toMatch(/^ENTRYPOINT eswrapper$/m);
  });
});

describe('heap', () => {
  test('unset: no -Xmx, Elasticsearch sizes it from the limit', () => {
    const es = containerOf(podOf(envObjects('prod'), 'StatefulSet', ELASTICSEARCH.name), ELASTICSEARCH.name);
    expect((es.env ?? []).map((e) => e.name)).not.toContain('ES_JAVA_OPTS');
  });
  test('exactly half the limit is accepted and rendered', () => {
    const es = containerOf(podOf(envObjects('prod', { sets: ['elasticsearch.heap=2g'] }), 'StatefulSet', ELASTICSEARCH.name), ELASTICSEARCH.name);
    expect(es.env).toContainEqual({ name: 'ES_JAVA_OPTS', value: '-Xms2g -Xmx2g' });
  });
  test('above half the limit is a values error naming the key', () => {
    expect(errorOf(() => valuesOf('prod', ['elasticsearch.heap=2049m']))).toMatch(/elasticsearch\.heap: 2049m is more than half of resources\.limits\.memory \(4Gi\)/);
  });
  test('above 31g is a values error even with a limit large enough', () => {
    expect(
      errorOf(() => valuesOf('prod', ['elasticsearch.heap=32g', 'elasticsearch.resources.limits.memory=128Gi', 'elasticsearch.resources.requests.memory=128Gi'])),
    ).toMatch(/elasticsearch\.heap: 32g is above 31g/);
    expect(() => valuesOf('prod', ['elasticsearch.heap=31g', 'elasticsearch.resources.limits.memory=128Gi', 'elasticsearch.resources.requests.memory=128Gi'])).not.toThrow();
  });
  test('a memory request below the limit is refused (it misleads the heap sizing and the scheduler)', () => {
    expect(errorOf(() => valuesOf('prod', ['elasticsearch.resources.requests.memory=2Gi']))).toMatch(/elasticsearch\.resources\.requests\.memory: must equal resources\.limits\.memory/);
  });
});

describe('vm.max_map_count strategies', () => {
  test('nodeTuned keeps mmap on and the pod restricted', () => {
    expect(esYml('prod', ['elasticsearch.maxMapCount=nodeTuned'])['node.store.allow_mmap']).toBeUndefined();
    expect(podOf(envObjects('prod', { sets: ['elasticsearch.maxMapCount=nodeTuned'] }), 'StatefulSet', ELASTICSEARCH.name).spec.initContainers?.map((c) => c.name)).toEqual(['prepare-config', 'keystore']);
  });
  test('sysctlInitContainer is refused in a restricted namespace, naming the key', () => {
    expect(errorOf(() => buildComponents(valuesOf('prod', ['elasticsearch.maxMapCount=sysctlInitContainer'])))).toMatch(
      /^elasticsearch\.maxMapCount: sysctlInitContainer needs a privileged init container, which podSecurity\.enforce=restricted refuses/,
    );
  });
  test('sysctlInitContainer in a privileged namespace: a privileged root init container, with the stated exception', () => {
    const pod = podOf(envObjects('prod', { sets: ['elasticsearch.maxMapCount=sysctlInitContainer', 'podSecurity.enforce=privileged'] }), 'StatefulSet', ELASTICSEARCH.name);
    const sysctl = pod.spec.initContainers?.find((c) => c.name === 'sysctl');
    expect(sysctl?.securityContext).toMatchObject({ privileged: true, runAsUser: 0 });
    expect(pod.metadata.annotations?.['security.pynomaly.io/exception']).toContain('vm.max_map_count');
  });
});

describe('credentials and Grafana', () => {
  test('no password in any object: the elastic password is a mounted Secret file', () => {
    const pod = podOf(envObjects('prod'), 'StatefulSet', ELASTICSEARCH.name);
    const env = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].flatMap((c) => c.env ?? []);
    expect(env.filter((e) => /PASSWORD|SECRET|TOKEN/.test(e.name) && !e.name.endsWith('_FILE'))).toEqual([]);
    expect(pod.spec.volumes?.find((v) => v.name === 'credentials')).toMatchObject({ secret: { secretName: 'elasticsearch-elastic' } });
  });

  test.each(['dev', 'prod'])("%s: Grafana's Elasticsearch datasource points at the construct's endpoint", (env) => {
    const built = buildComponents(valuesOf(env));
    const es = built.constructs.get('elasticsearch') as Elasticsearch;
    const ds = yaml.load(configMapDataOf(envObjects(env), 'grafana-datasources')['datasources.yaml']) as { datasources: { uid: string; url: string; jsonData: Record<string, unknown> }[] };
    const esDs = ds.datasources.find((d) => d.uid === 'pynomaly-elasticsearch');
    expect(esDs?.url).toBe(es.endpoint.url);
    expect(es.endpoint.url).toBe(env === 'dev' ? `http://elasticsearch.${es.namespace}.svc:9200` : `https://elasticsearch.${es.namespace}.svc:9200`);
    if (env === 'prod') expect(esDs?.jsonData).toMatchObject({ tlsAuthWithCACert: true });
  });

  test('with security on, Grafana reads the CA from the TLS Secret and its credentials from elasticsearch.security.grafanaCredentials, as files', () => {
    const pod = podOf(envObjects('prod'), 'Deployment', 'grafana');
    const secretsOf = (name: string) => {
      const v = pod.spec.volumes?.find((x) => x.name === name) as { secret?: { secretName: string }; projected?: { sources: { secret: { name: string } }[] } } | undefined;
      return v?.secret ? [v.secret.secretName] : (v?.projected?.sources ?? []).map((s) => s.secret.name);
    };
    expect(secretsOf('elasticsearch-ca')).toEqual(['elasticsearch-tls']);
    expect(secretsOf('elasticsearch-credentials')).toEqual(['elasticsearch-grafana']);
    const ds = configMapDataOf(envObjects('prod'), 'grafana-datasources')['datasources.yaml'];
    expect(ds).toContain('$__file{/etc/grafana/secrets/elasticsearch-ca/ca.crt}');
    // dev: security off, nothing mounted
    expect(secretsOf.call(null, 'x')).toEqual([]);
    const devPod = podOf(envObjects('dev'), 'Deployment', 'grafana');
    expect(devPod.spec.volumes?.map((v) => v.name)).not.toContain('elasticsearch-ca');
  });
});

/**
 * Issue 12: every client of our Elasticsearch in staging and prod speaks https
 * and verifies the server with the CA of the one declared TLS Secret
 * (elasticsearch.security.tls.secretName, key ca.crt), mounted as a file.
 */
describe.each(['staging', 'prod'])('%s: every Elasticsearch client verifies TLS with the CA of one Secret', (env) => {
  const objects = envObjects(env);
  const v = valuesOf(env);
  const url = `https://elasticsearch.${v.namespace}.svc:9200`;
  type Pod = { spec: { containers: { name: string; args?: string[]; env?: { name: string; value?: string }[]; volumeMounts?: { name: string; mountPath: string }[] }[]; volumes?: Record<string, unknown>[] } };
  const podOfApp = (kind: string, name: string): Pod => {
    const o = objects.find((x) => x.kind === kind && (x.metadata as { labels?: Record<string, string> }).labels?.['app.kubernetes.io/name'] === name) as unknown as { spec: { template?: Pod; jobTemplate?: { spec: { template: Pod } } } };
    return o.spec.template ?? o.spec.jobTemplate!.spec.template;
  };
  const configFile = (cm: string, key: string) => (findObject(objects, 'ConfigMap', cm) as unknown as { data: Record<string, string> }).data[key];
  /** The Secret and key a file of the pod's first container comes from. */
  const secretOfFile = (pod: Pod, path: string): [string | undefined, string | undefined] => {
    const c = pod.spec.containers[0];
    const mount = (c.volumeMounts ?? []).find((m) => path.startsWith(`${m.mountPath}/`))!;
    const file = path.slice(mount.mountPath.length + 1);
    const vol = pod.spec.volumes!.find((x) => x.name === mount.name) as { secret?: { secretName: string; items: { key: string; path: string }[] }; projected?: { sources: { secret: { name: string; items: { key: string; path: string }[] } }[] } };
    const sources = vol.secret ? [{ name: vol.secret.secretName, items: vol.secret.items }] : vol.projected!.sources.map((s) => s.secret);
    const src = sources.find((s) => s.items.some((i) => i.path === file))!;
    return [src.name, src.items.find((i) => i.path === file)!.key];
  };
  const CA: [string, string] = [v.elasticsearch.security.tls.secretName, 'ca.crt'];

  test('the exporter: --es.uri https, --es.ca from the TLS Secret', () => {
    const pod = podOfApp('Deployment', 'elasticsearch-exporter');
    const args = pod.spec.containers[0].args!;
    expect(args).toContain(`--es.uri=${url}`);
    expect(secretOfFile(pod, args.find((a) => a.startsWith('--es.ca='))!.slice('--es.ca='.length))).toEqual(CA);
  });
  test('Jaeger and its index cleaner: https and tls.ca_file / ES_TLS_CA from the TLS Secret', () => {
    const es = (yaml.load(configFile('jaeger-config', 'config.yaml')) as { extensions: { jaeger_storage: { backends: { traces: { elasticsearch: { server_urls: string[]; tls: { ca_file: string } } } } } } }).extensions.jaeger_storage.backends.traces.elasticsearch;
    expect(es.server_urls).toEqual([url]);
    expect(secretOfFile(podOfApp('Deployment', 'jaeger'), es.tls.ca_file)).toEqual(CA);
    const cleaner = podOfApp('CronJob', 'jaeger-es-index-cleaner');
    expect(cleaner.spec.containers[0].args).toContain(url);
    expect(secretOfFile(cleaner, cleaner.spec.containers[0].env!.find((e) => e.name === 'ES_TLS_CA')!.value!)).toEqual(CA);
  });
  test('Logstash: hosts https and ssl_certificate_authorities from the TLS Secret', () => {
    const pipeline = configFile('logstash-pipeline', 'pynomaly.conf');
    expect(pipeline).toContain(`hosts => ["${url}"]`);
    const ca = /ssl_certificate_authorities => \["([^"]+)"\]/.exec(pipeline)![1];
    expect(secretOfFile(podOfApp('Deployment', 'logstash'), ca)).toEqual(CA);
  });
  test('Kibana: elasticsearch.hosts https, certificateAuthorities from the TLS Secret, full verification', () => {
    const kyml = yaml.load(configFile('kibana-config', 'kibana.yml')) as Record<string, unknown>;
    expect(kyml['elasticsearch.hosts']).toEqual([url]);
    expect(kyml['elasticsearch.ssl.verificationMode']).toBe('full');
    expect(secretOfFile(podOfApp('Deployment', 'kibana'), (kyml['elasticsearch.ssl.certificateAuthorities'] as string[])[0])).toEqual(CA);
  });
  test("Grafana's datasource: https, tlsAuthWithCACert and the CA file from the TLS Secret", () => {
    const ds = (yaml.load(configFile('grafana-datasources', 'datasources.yaml')) as { datasources: { type: string; url: string; jsonData: { tlsAuthWithCACert?: boolean }; secureJsonData?: { tlsCACert?: string } }[] }).datasources.find((d) => d.type === 'elasticsearch')!;
    expect(ds.url).toBe(url);
    expect(ds.jsonData.tlsAuthWithCACert).toBe(true);
    const file = /^\$__file\{(.+)\}$/.exec(ds.secureJsonData!.tlsCACert!)![1];
    expect(secretOfFile(podOfApp('Deployment', 'grafana'), file)).toEqual(CA);
  });
  test('the bootstrap Job: https and curl --cacert from the TLS Secret', () => {
    const pod = podOfApp('Job', 'logs-bootstrap');
    expect(pod.spec.containers[0].env).toContainEqual({ name: 'ELASTICSEARCH_URL', value: url });
    const script = Object.entries((objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'logs-bootstrap') as unknown as { data: Record<string, string> }).data).find(([k]) => k === 'bootstrap.sh')![1];
    expect(secretOfFile(pod, /--cacert (\S+)/.exec(script)![1])).toEqual(CA);
    expect(script).not.toMatch(/--insecure|-k /);
  });
});
