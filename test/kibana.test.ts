/** Kibana: our Elasticsearch from the construct, probes on /api/status, keys and credentials from Secrets, publicBaseUrl from values. */
import * as yaml from 'js-yaml';
import { Elasticsearch } from '../lib/elasticsearch';
import { KIBANA } from '../lib/kibana';
import { ENCRYPTION_KEYS } from '../lib/kibana/constants';
import { buildComponents } from '../lib/stack';
import { configMapDataOf, containerOf, podOf } from './support/k8s';
import { envObjects, findObject } from './support/stack';
import { valuesOf } from './support/values';

const kibanaYml = (env: string, sets: readonly string[] = []) => yaml.load(configMapDataOf(envObjects(env, { sets }), KIBANA.configMap)['kibana.yml']) as Record<string, unknown>;

describe.each(['dev', 'prod'])('%s', (env) => {
  const objects = envObjects(env);
  const pod = podOf(objects, 'Deployment', KIBANA.name);
  const kibana = containerOf(pod, KIBANA.name) as unknown as {
    env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
    readinessProbe: { httpGet: { path: string } };
    livenessProbe: { httpGet: { path: string } };
    startupProbe: { httpGet: { path: string } };
  };
  const config = kibanaYml(env);

  test('reads our Elasticsearch at its construct endpoint', () => {
    const es = buildComponents(valuesOf(env)).constructs.get('elasticsearch') as Elasticsearch;
    expect(config['elasticsearch.hosts']).toEqual([es.endpoint.url]);
  });

  test('probes /api/status, which answers anonymously', () => {
    expect([kibana.readinessProbe.httpGet.path, kibana.livenessProbe.httpGet.path, kibana.startupProbe.httpGet.path]).toEqual(Array(3).fill('/api/status'));
    expect(config['status.allowAnonymous']).toBe(true);
  });

  test('the three encryption keys come from one Secret, each by its own key, never literally', () => {
    for (const k of ENCRYPTION_KEYS) {
      expect(config[k.setting]).toBe(`\${${k.env}}`);
      expect(kibana.env.find((e) => e.name === k.env)?.valueFrom?.secretKeyRef).toEqual({ name: 'kibana-encryption-keys', key: k.secretKey });
    }
    expect(kibana.env.filter((e) => e.value !== undefined).map((e) => e.name)).toEqual([]);
  });

  test('Elasticsearch credentials and CA only where its security is on', () => {
    if (env === 'dev') {
      expect(config['elasticsearch.password']).toBeUndefined();
      return;
    }
    expect(config).toMatchObject({ 'elasticsearch.username': 'kibana_system', 'elasticsearch.password': '${KIBANA_ES_PASSWORD}', 'elasticsearch.ssl.verificationMode': 'full' });
    expect(kibana.env.find((e) => e.name === 'KIBANA_ES_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'kibana-elasticsearch', key: 'password' });
    expect(pod.spec.volumes?.find((v) => v.name === 'elasticsearch-ca')).toMatchObject({ secret: { secretName: 'elasticsearch-tls' } });
  });
});

test('server.publicBaseUrl comes from the values, else from the Ingress host', () => {
  expect(kibanaYml('prod', ['ingress.enabled=false'])['server.publicBaseUrl']).toBeUndefined();
  expect(kibanaYml('prod')['server.publicBaseUrl']).toBe('https://kibana.pynomaly.example.com');
  expect(kibanaYml('prod', ['kibana.publicBaseUrl=https://logs.example.com'])['server.publicBaseUrl']).toBe('https://logs.example.com');
});

test('users reach it directly only through networkPolicies.ingressFrom.kibana (the ingress aside)', () => {
  const policy = (sets: string[]) => findObject(envObjects('prod', { sets }), 'NetworkPolicy', KIBANA.name) as unknown as { spec: { ingress?: { from: { ipBlock?: { cidr: string } }[]; ports: { port: number }[] }[] } };
  const users = (p: ReturnType<typeof policy>) => (p.spec.ingress ?? []).filter((r) => r.from.some((f) => f.ipBlock));
  expect(users(policy([]))).toEqual([]);
  const open = policy(['networkPolicies.ingressFrom.kibana[0].cidr=198.51.100.0/24']);
  expect(users(open)).toEqual([{ from: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ port: KIBANA.port.port, protocol: 'TCP' }] }]);
});
