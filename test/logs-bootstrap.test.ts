/**
 * The logs bootstrap: typed requests whose index names line up with Logstash's
 * outputs, Grafana's datasource and the data views; the Job that sends them
 * (run against a stub curl), ordered by waves, never a hook, no credential.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { LOG_INDEX_PATTERNS } from '../lib/catalog/logs';
import { ELASTICSEARCH_CLIENTS } from '../lib/elasticsearch/users';
import { APP_TIMESTAMP_FORMAT, bootstrapRequests, DataViewBody, IlmPolicyBody, ILM_POLICY_NAME, IndexTemplateBody } from '../lib/logs/bootstrap-requests';
import { INDEX_FAMILIES } from '../lib/logs/indices';
import { LOGS_BOOTSTRAP } from '../lib/logs-bootstrap';
import { LOGSTASH } from '../lib/logstash';
import { configMapDataOf, containerOf, podTemplateOf } from './support/k8s';
import { parseLogstashConfig } from './support/logstash-grammar';
import { envObjects } from './support/stack';
import { tempDir } from './support/values';

const data = (env: string) => configMapDataOf(envObjects(env), LOGS_BOOTSTRAP.configMap);
const json = <T>(env: string, file: string) => JSON.parse(data(env)[file]) as T;
const globMatch = (pattern: string, name: string) => new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(name);

describe.each(['dev', 'prod'])('%s: index names line up', (env) => {
  test('Logstash writes data streams that the templates match, with the ILM policy', () => {
    const outputs = parseLogstashConfig(configMapDataOf(envObjects(env), LOGSTASH.pipelineConfigMap)[LOGSTASH.pipelineFile]).filter((p) => p.section === 'output');
    INDEX_FAMILIES.forEach((f, i) => {
      const template = json<IndexTemplateBody>(env, `template-${f}.json`);
      expect(template.index_patterns).toEqual([LOG_INDEX_PATTERNS[f]]);
      expect(template.data_stream).toEqual({});
      expect(globMatch(LOG_INDEX_PATTERNS[f], String(outputs[i].attributes.index))).toBe(true);
      // ...and no other family's template matches it.
      expect(INDEX_FAMILIES.filter((g) => globMatch(LOG_INDEX_PATTERNS[g], String(outputs[i].attributes.index)))).toEqual([f]);
      expect((template.template?.settings as Record<string, unknown>)['index.lifecycle.name']).toBe(ILM_POLICY_NAME);
    });
  });

  test('the data views and Grafana read the same patterns on @timestamp', () => {
    const ds = yaml.load(configMapDataOf(envObjects(env), 'grafana-datasources')['datasources.yaml']) as { datasources: { type: string; jsonData: { index: string; timeField: string } }[] };
    const grafana = ds.datasources.find((d) => d.type === 'elasticsearch')!.jsonData;
    const views = INDEX_FAMILIES.map((f) => json<DataViewBody>(env, `data-view-${f}.json`));
    expect(views.map((v) => v.data_view.title)).toEqual(INDEX_FAMILIES.map((f) => LOG_INDEX_PATTERNS[f]));
    expect(views[0].data_view.title).toBe(grafana.index);
    expect(views.every((v) => v.data_view.timeFieldName === grafana.timeField && v.override)).toBe(true);
  });

  test('ILM: rollover, then delete after elasticsearch.logRetention; replicas the nodes can hold', () => {
    const policy = json<IlmPolicyBody>(env, 'ilm-policy.json').policy;
    expect(policy.phases.hot?.actions?.rollover).toMatchObject({ max_age: '1d' });
    expect(policy.phases.delete).toEqual({ min_age: '30d', actions: { delete: {} } });
    const settings = json<IndexTemplateBody>(env, 'template-logs.json').template?.settings as Record<string, unknown>;
    expect(settings.number_of_replicas).toBe(env === 'dev' ? 0 : 1);
  });
});

test("the mapping parses the app's timestamp format", () => {
  const mappings = bootstrapRequests({ retention: '7d', replicas: 0 }).find((r) => r.file === 'template-logs.json')!.body as IndexTemplateBody;
  const props = mappings.template!.mappings!.properties!;
  expect(props.timestamp).toEqual({ type: 'date', format: APP_TIMESTAMP_FORMAT });
  // The first format is exactly the app's asctime: 2025-07-07 12:00:00,123
  const javaFormat = APP_TIMESTAMP_FORMAT.split('||')[0];
  const asRegex = javaFormat.replace(/yyyy/, '\\d{4}').replace(/MM|dd|HH|mm|ss/g, '\\d{2}').replace('SSS', '\\d{3}');
  expect(new RegExp(`^${asRegex}$`).test('2025-07-07 12:00:00,123')).toBe(true);
  expect(props['@timestamp']).toEqual({ type: 'date' });
});

test('the bodies are typed: a wrong field fails the build', () => {
  // @ts-expect-error index_pattern is not a field of an index template (index_patterns is)
  const wrongTemplate: IndexTemplateBody = { index_pattern: ['x'] };
  // @ts-expect-error rollover belongs in actions
  const wrongPolicy: IlmPolicyBody = { policy: { phases: { hot: { rollover: { max_age: '1d' } } } } };
  expect([wrongTemplate, wrongPolicy]).toHaveLength(2);
});

describe('the Job', () => {
  const objects = envObjects('prod');
  const jobs = objects.filter((o) => o.kind === 'Job');

  test('a plain Job (no Helm hook), wave 3, kept a day, named after what it installs', () => {
    expect(jobs).toHaveLength(1);
    const job = jobs[0] as unknown as { metadata: { name: string; annotations?: Record<string, string> }; spec: { ttlSecondsAfterFinished: number } };
    expect(job.metadata.name).toMatch(/^logs-bootstrap-v[0-9a-f]{10}$/);
    expect(Object.keys(job.metadata.annotations ?? {}).filter((k) => k.startsWith('helm.sh/'))).toEqual([]);
    expect(job.spec.ttlSecondsAfterFinished).toBe(86400);
    const changed = envObjects('prod', { sets: ['elasticsearch.logRetention=7d'] }).find((o) => o.kind === 'Job')!;
    expect(changed.metadata.name).not.toBe(job.metadata.name);
  });

  test('credentials are mounted files, not environment values', () => {
    const c = containerOf(podTemplateOf(jobs[0]), LOGS_BOOTSTRAP.name);
    expect((c.env ?? []).map((e) => e.name).sort()).toEqual(['ELASTICSEARCH_URL', 'KIBANA_URL']);
    expect(JSON.stringify(podTemplateOf(jobs[0]).spec.volumes)).toContain('elasticsearch-elastic');
  });

  /** Runs the rendered script with a stub curl answering `codes` in turn (one per call) and logging its arguments. */
  function run(env: string, codes: string[]): { out: string; status: number; calls: string[] } {
    const dir = tempDir('logs-bootstrap-');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(dir, 'codes'), codes.join('\n') + '\n');
    writeFileSync(
      join(bin, 'curl'),
      `#!/bin/bash\ncat >/dev/null 2>&1 </dev/null\necho "$*" >> ${dir}/calls\ncode=$(head -1 ${dir}/codes); sed -i 1d ${dir}/codes\necho -n "\${code:-200}"\n`,
    );
    chmodSync(join(bin, 'curl'), 0o755);
    writeFileSync(join(bin, 'sleep'), '#!/bin/bash\n');
    chmodSync(join(bin, 'sleep'), 0o755);
    writeFileSync(join(dir, 'elastic-password'), 'not-a-real-password');
    for (const client of ELASTICSEARCH_CLIENTS) {
      writeFileSync(join(dir, `${client}-username`), `${client}-user`);
      writeFileSync(join(dir, `${client}-password`), 'pa"ss\\word');
    }
    const script = data(env)['bootstrap.sh'].replaceAll(LOGS_BOOTSTRAP.credentialsDir, dir);
    writeFileSync(join(dir, 'bootstrap.sh'), script);
    let out = '';
    let status = 0;
    try {
      out = execFileSync('bash', [join(dir, 'bootstrap.sh')], { env: { PATH: `${bin}:/usr/bin:/bin`, ELASTICSEARCH_URL: 'https://es:9200', KIBANA_URL: 'http://kb:5601' }, encoding: 'utf8' });
    } catch (e) {
      status = (e as { status: number }).status;
      out = String((e as { stdout: string }).stdout);
    }
    const calls = require('node:fs').readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n') as string[];
    return { out, status, calls };
  }

  test('waits for Elasticsearch, sends the policy and templates, waits for Kibana, sends the data views', () => {
    const esRequests = 9 + 1 + INDEX_FAMILIES.length + 2; // users and roles, ILM, templates, snapshots
    const { out, status, calls } = run('prod', ['000', '503', ...Array(esRequests + 1).fill('200'), '503', ...Array(1 + INDEX_FAMILIES.length).fill('200')]);
    expect(status).toBe(0);
    expect(out).toContain('waiting for elasticsearch (attempt 1, HTTP 000)');
    expect(out).toContain('waiting for kibana (attempt 1, HTTP 503)');
    const sent = calls.filter((c) => c.includes('--data-binary')).map((c) => c.match(/-X (PUT|POST) .* (\S+)$/)?.slice(1).join(' '));
    expect(sent).toEqual([
      ...['grafana', 'logstash', 'kibana', 'monitoring', 'jaeger'].flatMap((c) =>
        c === 'kibana' ? ['POST https://es:9200/_security/user/kibana_system/_password'] : [`PUT https://es:9200/_security/role/pynomaly-${c}`, `PUT https://es:9200/_security/user/${c}-user`],
      ),
      'PUT https://es:9200/_ilm/policy/pynomaly-logs',
      ...INDEX_FAMILIES.map((f) => `PUT https://es:9200/_index_template/pynomaly-${f}`),
      'PUT https://es:9200/_snapshot/pynomaly-logs',
      'PUT https://es:9200/_slm/policy/pynomaly-logs-nightly',
      ...INDEX_FAMILIES.map(() => 'POST http://kb:5601/api/data_views/data_view'),
    ]);
    // Passwords never reach curl's arguments: the bodies come from a pipe.
    expect(calls.join('\n')).not.toContain('ss\\word');
  });

  test('an error answer fails the pod (the Job retries it)', () => {
    const { out, status } = run('prod', ['200', '400']);
    expect(status).toBe(1);
    expect(out).toContain('PUT /_security/role/pynomaly-grafana: HTTP 400');
  });
});
