/**
 * Logstash: the rendered pipeline parses under the config grammar; its input
 * ports are the container's, the Service's and the NetworkPolicy's; its
 * outputs write the index families every reader uses; and the category tables
 * classify log lines shaped like the app's as intended, the rendered pipeline
 * carrying the same tables in the same order.
 */
import * as yaml from 'js-yaml';
import { LOG_INDEX_PATTERNS } from '../lib/catalog/logs';
import { INDEX_FAMILIES, indexPrefix } from '../lib/logs/indices';
import { KEYSTORE_SECRETS_DIR } from '../lib/logs/keystore';
import { LOGSTASH, LOGSTASH_INPUTS } from '../lib/logstash';
import { classify, ERROR_CATEGORIES, OPERATION_TYPES, PERFORMANCE_CATEGORIES } from '../lib/logstash/pipeline';
import { configMapDataOf, containerOf, podOf, serviceSpecOf } from './support/k8s';
import { LsPlugin, parseLogstashConfig } from './support/logstash-grammar';
import { envObjects, findObject } from './support/stack';
import { errorOf, valuesOf } from './support/values';

const pipelineOf = (env: string) => configMapDataOf(envObjects(env), LOGSTASH.pipelineConfigMap)[LOGSTASH.pipelineFile];
const parsed = (env: string) => parseLogstashConfig(pipelineOf(env));

describe('the config grammar', () => {
  test.each(['dev', 'staging', 'prod'])('accepts the rendered pipeline of %s: four inputs, three outputs', (env) => {
    const plugins = parsed(env);
    expect(plugins.filter((p) => p.section === 'input').map((p) => p.name)).toEqual(['beats', 'http', 'tcp', 'udp']);
    expect(plugins.filter((p) => p.section === 'output').map((p) => p.name)).toEqual(['elasticsearch', 'elasticsearch', 'elasticsearch']);
  });

  test('rejects what Logstash would reject (so acceptance means something)', () => {
    const text = pipelineOf('prod');
    expect(() => parseLogstashConfig(text.replace(/\}\n$/, '\n'))).toThrow(/grammar rejects/);
    expect(() => parseLogstashConfig(text.replace('manage_template => false', 'manage_template = false'))).toThrow(/grammar rejects line \d+: .*manage_template = false/);
    expect(() => parseLogstashConfig(text.replace('if [duration_ms] {', 'if [duration_ms] < {'))).toThrow(/grammar rejects/);
    expect(() => parseLogstashConfig('input { beats { port => 5044 } }\nfilters { }')).toThrow(/grammar rejects line 2/);
    expect(parseLogstashConfig('# c\ninput { beats { port => 5044 } } output { if "x" in [tags] and ![y] { stdout { codec => rubydebug } } }')).toHaveLength(2);
  });
});

describe('ports line up: pipeline, container, Service, NetworkPolicy', () => {
  test.each(['dev', 'prod'])('%s', (env) => {
    const objects = envObjects(env);
    const declared = Object.values(LOGSTASH_INPUTS).map((i) => [i.port.port, i.port.protocol]);
    const inputs = parsed(env).filter((p) => p.section === 'input');
    expect(inputs.map((p) => [p.attributes.port, p.name === 'udp' ? 'UDP' : 'TCP'])).toEqual(declared);
    const c = containerOf(podOf(objects, 'Deployment', LOGSTASH.name), LOGSTASH.name) as unknown as { ports: { containerPort: number; protocol: string }[] };
    for (const [port, protocol] of declared) expect(c.ports).toContainEqual(expect.objectContaining({ containerPort: port, protocol }));
    const svc = serviceSpecOf(objects, LOGSTASH.name) as unknown as { ports: { port: number; protocol: string }[] };
    for (const [port, protocol] of declared) expect(svc.ports).toContainEqual(expect.objectContaining({ port, protocol }));
    const policy = findObject(objects, 'NetworkPolicy', LOGSTASH.name) as unknown as { spec: { ingress: { from: { namespaceSelector?: { matchLabels: Record<string, string> } }[]; ports: { port: number; protocol: string }[] }[] } };
    const fromApp = policy.spec.ingress.find((r) => r.from.some((f) => f.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'pynomaly'));
    expect(fromApp?.ports.map((p) => [p.port, p.protocol])).toEqual(declared);
    // Logstash may write to Elasticsearch, and Elasticsearch accepts it.
    const esPolicy = findObject(objects, 'NetworkPolicy', 'elasticsearch') as unknown as { metadata: { annotations: Record<string, string> } };
    expect(esPolicy.metadata.annotations['network.pynomaly.io/why']).toMatch(/from logstash, 9200\/TCP/);
  });
});

describe('index names line up', () => {
  test.each(['dev', 'prod'])('%s: the outputs write the data stream <family prefix><env> of each family readers query', (env) => {
    const outputs = parsed(env).filter((p) => p.section === 'output');
    expect(outputs.map((o) => o.attributes.index)).toEqual(INDEX_FAMILIES.map((f) => `${indexPrefix(f)}${env}`));
    expect(outputs.map((o) => o.attributes.action)).toEqual(INDEX_FAMILIES.map(() => 'create'));
    for (const f of INDEX_FAMILIES) expect(LOG_INDEX_PATTERNS[f]).toBe(`${indexPrefix(f)}*`);
    const ds = yaml.load(configMapDataOf(envObjects(env), 'grafana-datasources')['datasources.yaml']) as { datasources: { type: string; url: string; jsonData: { index: string } }[] };
    const grafana = ds.datasources.find((d) => d.type === 'elasticsearch')!;
    expect(grafana.jsonData.index).toBe(LOG_INDEX_PATTERNS.logs);
    // Grafana and Logstash talk to the same Elasticsearch.
    expect(outputs.map((o) => o.attributes.hosts)).toEqual(INDEX_FAMILIES.map(() => [grafana.url]));
    // errors and performance only for their events
    expect(outputs.map((o) => o.conditions)).toEqual([[], ['"error" in [tags]'], ['[performance_category]']]);
  });

  test('with security on, outputs authenticate with keystore keys and trust the CA; the keystore is built from the Secret files, nothing is in the environment', () => {
    const [out] = parsed('prod').filter((p) => p.section === 'output');
    expect(out.attributes).toMatchObject({ user: '${ES_USER}', password: '${ES_PASSWORD}', ssl_enabled: 'true' });
    const pod = podOf(envObjects('prod'), 'Deployment', LOGSTASH.name);
    const c = containerOf(pod, LOGSTASH.name);
    expect((c.env ?? []).filter((e) => e.valueFrom !== undefined)).toEqual([]);
    const keystore = pod.spec.initContainers?.find((i) => i.name === 'keystore');
    expect(pod.spec.initContainers?.map((i) => i.name)).toEqual(['prepare-config', 'keystore']);
    // The keystore lives in path.settings, beside logstash.yml: the emptyDir the main container mounts as its config folder.
    expect(keystore?.volumeMounts).toContainEqual({ name: 'config-local', mountPath: LOGSTASH.configDir });
    expect(c.volumeMounts).toContainEqual({ name: 'config-local', mountPath: LOGSTASH.configDir });
    expect(keystore?.command?.[2]).toContain(`put ${KEYSTORE_SECRETS_DIR}/username ES_USER\nput ${KEYSTORE_SECRETS_DIR}/password ES_PASSWORD`);
    expect(pod.spec.volumes?.find((v) => v.name === 'keystore-secrets')?.secret).toMatchObject({ secretName: 'logstash-elasticsearch', items: [{ key: 'username', path: 'username' }, { key: 'password', path: 'password' }] });
    expect(parsed('dev').find((p) => p.section === 'output')!.attributes.user).toBeUndefined();
    expect(podOf(envObjects('dev'), 'Deployment', LOGSTASH.name).spec.initContainers?.map((i) => i.name)).toEqual(['prepare-config']);
  });
});

/** A log line as the app writes it (its JSON formatter's fields). */
function appLine(level: string, message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    timestamp: '2025-07-07 12:00:00,123',
    level,
    logger: 'pynomaly.api',
    module: 'endpoints',
    function: 'handle',
    line: 42,
    correlation_id: '6f1c1d2e-8a4b-4c3d-9e2f-1a2b3c4d5e6f',
    user_id: 'u-17',
    request_id: 'r-99',
    message,
    ...extra,
  };
}

describe('categories (the tables applied to app-shaped lines)', () => {
  test.each([
    ['connectivity', appLine('ERROR', 'Redis connection refused at redis:6379')],
    ['connectivity', appLine('ERROR', 'Upstream request timed out after 30s')],
    ['authorization', appLine('ERROR', 'Invalid token for user u-17')],
    ['authorization', appLine('WARNING', 'request rejected', { exception: 'HTTPException: 403 Forbidden' })],
    ['memory', appLine('CRITICAL', 'Detector crashed', { exception: 'MemoryError' })],
    ['database', appLine('ERROR', 'psycopg2.OperationalError: could not serialize access due to deadlock')],
    ['validation', appLine('ERROR', 'Dataset upload failed', { exception: 'pydantic ValidationError: 2 validation errors for DatasetCreate' })],
    ['unknown', appLine('ERROR', 'Something odd happened')],
  ])('%s: %j', (category, line) => {
    const c = classify(line);
    expect(c.errorCategory).toBe(category);
    expect(c.tags).toEqual(['error']);
    expect(c.families).toContain('errors');
  });

  test('an INFO line without exception is no error and goes to the logs index only', () => {
    const c = classify(appLine('INFO', 'Health check ok'));
    expect([c.errorCategory, c.tags, c.families, c.operationType]).toEqual([undefined, [], ['logs'], 'general']);
  });

  test.each([
    [99.9, 'fast'],
    [100, 'normal'],
    [999, 'normal'],
    [1000, 'slow'],
    [4999, 'slow'],
    [5000, 'very_slow'],
  ])('duration_ms %d is %s, and the event also goes to the performance index', (ms, category) => {
    const c = classify(appLine('INFO', 'Detection finished', { duration_ms: ms }));
    expect([c.performanceCategory, c.families]).toEqual([category, ['logs', 'performance']]);
  });

  test('a duration in the message counts, in ms or s', () => {
    expect(classify(appLine('INFO', 'model training took 1.5 s')).performanceCategory).toBe('slow');
    expect(classify(appLine('INFO', 'anomaly detection completed in 42ms')).durationMs).toBe(42);
  });

  test.each([
    ['authentication', appLine('INFO', 'User login succeeded')],
    ['training', appLine('INFO', 'Training IsolationForest on dataset d-1')],
    ['detection', appLine('INFO', 'Found 3 anomalies', { logger: 'pynomaly.detection' })],
    ['data_io', appLine('INFO', 'Uploaded dataset d-2 (12 MB)')],
    ['general', appLine('INFO', 'Startup complete')],
  ])('operation type %s', (type, line) => {
    expect(classify(line).operationType).toBe(type);
  });

  test('credentials are dropped, the correlation fields kept', () => {
    const c = classify(appLine('INFO', 'x', { password: 'p', api_key: 'k', Authorization: 'Bearer t', token: 't', secret: 's', headers: { a: 1 } }));
    expect(c.fields).toEqual(expect.arrayContaining(['correlation_id', 'request_id', 'user_id', 'message', 'timestamp']));
    for (const f of ['password', 'api_key', 'Authorization', 'token', 'secret', 'headers']) expect(c.fields).not.toContain(f);
  });

  test('the rendered pipeline carries the same tables, in the same order', () => {
    const adds = (field: string) => (plugins: LsPlugin[]) =>
      plugins
        .filter((p) => p.name === 'mutate' && typeof p.attributes.add_field === 'object' && field in (p.attributes.add_field as Record<string, unknown>))
        .map((p) => ({ value: (p.attributes.add_field as Record<string, string>)[field], condition: p.conditions[p.conditions.length - 1] }));
    const plugins = parsed('prod');
    const errors = adds('error_category')(plugins);
    expect(errors.map((e) => e.value)).toEqual([...ERROR_CATEGORIES.map((c) => c.category), 'unknown']);
    ERROR_CATEGORIES.forEach((c, i) => expect(errors[i].condition).toContain(`/(?i)${c.pattern}/`));
    const ops = adds('operation_type')(plugins);
    expect(ops.map((o) => o.value)).toEqual([...OPERATION_TYPES.map((o) => o.type), 'general']);
    OPERATION_TYPES.forEach((o, i) => expect(ops[i].condition).toContain(`/(?i)${o.pattern}/`));
    const perf = adds('performance_category')(plugins);
    expect(perf.map((p) => p.value)).toEqual(PERFORMANCE_CATEGORIES.map((p) => p.category));
    PERFORMANCE_CATEGORIES.forEach((p, i) => 'belowMs' in p && expect(perf[i].condition).toBe(`[duration_ms] < ${p.belowMs}`));
    const date = plugins.find((p) => p.name === 'date')!;
    expect(date.attributes.match).toEqual(['timestamp', 'yyyy-MM-dd HH:mm:ss,SSS', 'ISO8601']);
  });
});

describe('the pod', () => {
  const objects = envObjects('prod');
  const pod = podOf(objects, 'Deployment', LOGSTASH.name);
  const ls = containerOf(pod, LOGSTASH.name);
  const settings = yaml.load(configMapDataOf(objects, LOGSTASH.configMap)['logstash.yml']) as Record<string, unknown>;

  test('logstash.yml: api.http.* (Logstash 9 removed http.*), workers, batch, persistent queue and dead-letter queue', () => {
    expect(settings).toMatchObject({ 'api.http.host': '0.0.0.0', 'api.http.port': LOGSTASH.apiPort.port, 'pipeline.workers': 2, 'pipeline.batch.size': 125, 'queue.type': 'persisted', 'dead_letter_queue.enable': true });
    expect(Object.keys(settings).filter((k) => k.startsWith('http.'))).toEqual([]);
  });

  test('queues on the claim; config, logs and /tmp writable volumes; the root filesystem read-only', () => {
    const mounts = Object.fromEntries((ls.volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
    expect(mounts[settings['path.data'] as string]).toBe('data');
    expect(pod.spec.volumes?.find((v) => v.name === 'data')).toMatchObject({ persistentVolumeClaim: { claimName: LOGSTASH.dataClaim } });
    expect(pod.spec.volumes?.find((v) => v.name === mounts[LOGSTASH.configDir])).toMatchObject({ emptyDir: {} });
    expect(ls.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect((findObject(objects, 'Deployment', LOGSTASH.name).spec as { strategy: { type: string } }).strategy.type).toBe('Recreate');
  });

  test('the heap is LS_JAVA_OPTS from the values; more than half the limit is refused', () => {
    expect(ls.env).toContainEqual({ name: 'LS_JAVA_OPTS', value: '-Xms512m -Xmx512m' });
    expect(errorOf(() => valuesOf('prod', ['logstash.heap=600m']))).toMatch(/logstash\.heap: 600m is more than half of resources\.limits\.memory \(1Gi\)/);
  });

  test('no environment variable names a logstash.yml setting (the image\'s env2yaml would rewrite the file)', () => {
    const names = (ls.env ?? []).map((e) => e.name);
    const settingLike = Object.keys(settings).map((k) => k.toUpperCase().replace(/\./g, '_'));
    expect(names.filter((n) => settingLike.includes(n))).toEqual([]);
  });
});
