/** Kibana: our Elasticsearch from the construct, probes on /api/status, keys and credentials from Secrets into the keystore, publicBaseUrl from values. */
import * as yaml from 'js-yaml';
import { Elasticsearch } from '../lib/elasticsearch';
import { KIBANA } from '../lib/kibana';
import { ENCRYPTION_KEYS } from '../lib/kibana/constants';
import { KEYSTORE_SECRETS_DIR } from '../lib/logs/keystore';
import { buildComponents } from '../lib/stack';
import { configMapDataOf, containerOf, podOf } from './support/k8s';
import { envObjects, findObject } from './support/stack';
import { valuesOf } from './support/values';

const kibanaYml = (env: string, sets: readonly string[] = []) => yaml.load(configMapDataOf(envObjects(env, { sets }), KIBANA.configMap)['kibana.yml']) as Record<string, unknown>;

describe.each(['dev', 'prod'])('%s', (env) => {
  const objects = envObjects(env);
  const pod = podOf(objects, 'Deployment', KIBANA.name);
  const kibana = containerOf(pod, KIBANA.name) as unknown as {
    env?: unknown[];
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

  const keystore = pod.spec.initContainers?.find((c) => c.name === 'keystore');
  const script = keystore?.command?.[2] ?? '';
  const secretFiles = pod.spec.volumes?.find((v) => v.name === 'keystore-secrets');
  const projected = (secretFiles?.projected?.sources ?? []).map((s) => s.secret!).concat(secretFiles?.secret ? [{ ...secretFiles.secret, name: secretFiles.secret.secretName }] : []);
  const fileOf = (secret: string, key: string) => projected.find((s) => s.name === secret)?.items?.find((i) => i.key === key)?.path;

  test('no environment: every secret goes into the keystore in the config folder, which prepare-config fills', () => {
    expect(kibana.env).toBeUndefined();
    expect(pod.spec.initContainers?.map((c) => c.name)).toEqual(['prepare-config', 'keystore']);
    expect(keystore?.image).toBe(containerOf(pod, KIBANA.name).image);
    expect(keystore?.volumeMounts).toContainEqual({ name: 'config-local', mountPath: KIBANA.configDir });
    expect(containerOf(pod, KIBANA.name).volumeMounts).toContainEqual({ name: 'config-local', mountPath: KIBANA.configDir });
    expect(keystore?.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(keystore?.resources.limits?.memory).toBeDefined();
  });

  test('the three encryption keys come from one Secret, each by its own key, into the keystore; kibana.yml holds none', () => {
    for (const k of ENCRYPTION_KEYS) {
      expect(config[k.setting]).toBeUndefined();
      const file = fileOf('kibana-encryption-keys', k.secretKey);
      expect(file).toBeDefined();
      expect(script).toContain(`put ${KEYSTORE_SECRETS_DIR}/${file} ${k.setting}`);
    }
  });

  test('Elasticsearch credentials and CA only where its security is on', () => {
    expect(config['elasticsearch.password']).toBeUndefined();
    if (env === 'dev') {
      expect(script).not.toContain('elasticsearch.password');
      return;
    }
    expect(config).toMatchObject({ 'elasticsearch.username': 'kibana_system', 'elasticsearch.ssl.verificationMode': 'full' });
    expect(script).toContain(`put ${KEYSTORE_SECRETS_DIR}/${fileOf('kibana-elasticsearch', 'password')} elasticsearch.password`);
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
