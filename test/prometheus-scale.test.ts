/**
 * Scale and durability of Prometheus: remote_write endpoints (credentials as
 * mounted Secret files, checked by promtool) and federation (/federate opened
 * to the federating Prometheus only, its match[] selectors answered by the
 * real Debian prometheus on loopback with the prod config).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { PROMETHEUS } from '../lib/prometheus/constants';
import { DEFAULT_FEDERATION_MATCH } from '../lib/prometheus/values';
import { allows, NetEndpoint, PodEndpoint } from '../lib/network/evaluate';
import { NetworkPolicy, WHY_ANNOTATION } from '../lib/network/policies';
import { Manifest } from '../lib/synth/render';
import { containerOf, configMapDataOf, podOf, podTemplateOf } from './support/k8s';
import { prometheusArgs, runnablePrometheus, RunnablePrometheus } from './support/live-configs';
import { getText, LiveServer, pollUntil, startServer, stopServers } from './support/live-server';
import { SECRET_PATTERNS, stringsOf } from './support/policy';
import { checkableCopy } from './support/promtool-config';
import { envObjects, findObject, synthFiles } from './support/stack';
import { describeWithTool, run } from './support/tools';
import { errorOf, tempDir, valuesOf } from './support/values';

const tmp = tempDir('prometheus-scale-');

/** Two remotes: basic auth with queue tuning and a write relabel rule; a bearer token. */
const REMOTES = {
  prometheus: {
    remoteWrite: [
      {
        name: 'mimir',
        url: 'https://mimir.example.com/api/v1/push',
        basicAuth: { username: 'pynomaly-prod', passwordSecret: { name: 'prometheus-remote-write' } },
        queue: { capacity: 10000, minShards: 2, maxShards: 50, maxSamplesPerSend: 2000, batchSendDeadline: '5s', minBackoff: '30ms', maxBackoff: '5s' },
        writeRelabelConfigs: [{ sourceLabels: ['__name__'], regex: 'go_.*', action: 'drop' }],
      },
      { name: 'thanos', url: 'http://thanos-receive.thanos.svc:19291/api/v1/receive', bearerTokenSecret: { name: 'thanos-token', key: 'token' } },
    ],
  },
};
const remotesFile = join(tmp, 'remotes.yaml');
writeFileSync(remotesFile, yaml.dump(REMOTES));

/** The plain objects of prod with the remotes. */
function prodWithRemotes(): Manifest[] {
  const files = synthFiles({ envs: ['prod'], valuesFiles: [remotesFile] });
  return [...files].filter(([p]) => /^prod\/[^/]+\.yaml$/.test(p)).flatMap(([, content]) => (yaml.loadAll(content) as Manifest[]).filter(Boolean));
}

const configOf = (objects: readonly Manifest[]) => configMapDataOf(objects, PROMETHEUS.configMap)[PROMETHEUS.configFile];

describe('remote_write', () => {
  const objects = prodWithRemotes();
  const config = yaml.load(configOf(objects)) as { remote_write?: Record<string, unknown>[] };

  test('each endpoint is rendered with its queue and relabel settings; credentials are file paths', () => {
    expect(config.remote_write).toEqual([
      {
        name: 'mimir',
        url: 'https://mimir.example.com/api/v1/push',
        basic_auth: { username: 'pynomaly-prod', password_file: `${PROMETHEUS.secretsDir}/remote-write-mimir/password` },
        queue_config: { capacity: 10000, min_shards: 2, max_shards: 50, max_samples_per_send: 2000, batch_send_deadline: '5s', min_backoff: '30ms', max_backoff: '5s' },
        write_relabel_configs: [{ source_labels: ['__name__'], regex: 'go_.*', action: 'drop' }],
      },
      {
        name: 'thanos',
        url: 'http://thanos-receive.thanos.svc:19291/api/v1/receive',
        authorization: { type: 'Bearer', credentials_file: `${PROMETHEUS.secretsDir}/remote-write-thanos/token` },
      },
    ]);
  });

  test('the files the config reads are the mounted Secret keys', () => {
    const pod = podOf(objects, 'StatefulSet', PROMETHEUS.name);
    const mounts = containerOf(pod, PROMETHEUS.name).volumeMounts ?? [];
    const volumes = pod.spec.volumes ?? [];
    for (const [name, secret, key, file] of [
      ['mimir', 'prometheus-remote-write', 'password', 'password'],
      ['thanos', 'thanos-token', 'token', 'token'],
    ]) {
      const mount = mounts.find((m) => m.mountPath === `${PROMETHEUS.secretsDir}/remote-write-${name}`);
      expect(mount).toMatchObject({ readOnly: true });
      expect(volumes.find((v) => v.name === mount!.name)?.secret).toMatchObject({ secretName: secret, items: [{ key, path: file }], defaultMode: 0o440 });
    }
    // No remote, no volume: the shipped environments mount nothing of the kind.
    const shipped = podOf(envObjects('prod'), 'StatefulSet', PROMETHEUS.name);
    expect((shipped.spec.volumes ?? []).filter((v) => v.name.startsWith('remote-write-'))).toEqual([]);
    expect(yaml.load(configOf(envObjects('prod')))).not.toHaveProperty('remote_write');
  });

  test('no credential-looking string anywhere in what is rendered', () => {
    for (const text of stringsOf(objects)) for (const p of SECRET_PATTERNS) expect([p.source, p.test(text)]).toEqual([p.source, false]);
  });

  test('Prometheus may reach each remote on its port, and nothing else new', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as NetworkPolicy[];
    const labels = podTemplateOf(findObject(objects, 'StatefulSet', PROMETHEUS.name)).metadata.labels;
    const prometheus: PodEndpoint = { kind: 'pod', namespace: 'pynomaly-monitoring-prod', labels };
    const internet: NetEndpoint = { kind: 'address', ip: '203.0.113.10' };
    expect(allows(policies, prometheus, internet, 443)).toBe(true);
    expect(allows(policies, prometheus, { kind: 'pod', namespace: 'thanos', labels: { app: 'receive' } }, 19291)).toBe(true);
    expect(allows(policies, prometheus, { kind: 'pod', namespace: 'other', labels: { app: 'receive' } }, 19291)).toBe(false);
    const why = findObject(objects, 'NetworkPolicy', 'prometheus').metadata.annotations![WHY_ANNOTATION];
    expect(why).toContain('remote_write mimir at mimir.example.com');
    expect(why).toContain('remote_write thanos');
  });

  const remote = (extra: Record<string, unknown> = {}) => ({ name: 'x', url: 'https://mimir.example.com/push', ...extra });
  test.each([
    ['a credential in the URL', [remote({ url: 'https://user:pw@mimir.example.com/push' })], 'prometheus.remoteWrite.0.url: must not contain user:password@'],
    ['a token in the query', [remote({ url: 'https://mimir.example.com/push?token=abc' })], 'prometheus.remoteWrite.0.url: must not carry a credential'],
    ['not http(s)', [remote({ url: 'ftp://mimir.example.com/push' })], 'prometheus.remoteWrite.0.url: expected an http(s) URL'],
    ['basic auth without its password Secret', [remote({ basicAuth: { username: 'u' } })], 'prometheus.remoteWrite.0.basicAuth.passwordSecret.name: required when basicAuth is set'],
    [
      'two authorizations',
      [remote({ basicAuth: { username: 'u', passwordSecret: { name: 's' } }, bearerTokenSecret: { name: 't' } })],
      'prometheus.remoteWrite.0.bearerTokenSecret.name: set basicAuth or bearerTokenSecret, not both',
    ],
    ['a duplicate name', [remote(), remote({ url: 'https://b.example.com/push' })], 'prometheus.remoteWrite.1.name: duplicate remote name "x"'],
    [
      'a relabel regex Prometheus cannot compile',
      [remote({ writeRelabelConfigs: [{ regex: '(?=x)', action: 'drop' }] })],
      'prometheus.remoteWrite.0.writeRelabelConfigs.0.regex: expected a Go (RE2) regular expression',
    ],
    ['more min shards than max', [remote({ queue: { minShards: 5, maxShards: 2 } })], 'prometheus.remoteWrite.0.queue.minShards: must not exceed queue.maxShards (2)'],
  ])('refused in one line naming the source and key: %s', (_case, remoteWrite, message) => {
    const error = errorOf(() => valuesOf('dev', [], { prometheus: { remoteWrite } }));
    expect(error).toContain(message);
    expect(error.split('\n')).toHaveLength(1);
    expect(error).toMatch(/^--values \S+extra\.yaml: /);
  });
});

describeWithTool('promtool', 'promtool check config with remote_write', (promtool) => {
  test('the prod config with both remotes is valid, and promtool read the remote_write block', () => {
    const objects = prodWithRemotes();
    const copy = checkableCopy(configOf(objects), configMapDataOf(objects, PROMETHEUS.rulesConfigMap));
    const r = run(promtool, ['check', 'config', copy.configPath]);
    expect([r.status, r.stdout + r.stderr]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });

  test('control: promtool rejects a remote_write it cannot load (so the check above can fail)', () => {
    const objects = prodWithRemotes();
    const copy = checkableCopy(configOf(objects), configMapDataOf(objects, PROMETHEUS.rulesConfigMap), (config) => {
      (config.remote_write as Record<string, unknown>[])[0].queue_config = { max_shards: 'many' };
    });
    expect(run(promtool, ['check', 'config', copy.configPath]).status).not.toBe(0);
  });
});

// ---------------------------------------------------------------------------

describe('federation', () => {
  const FEDERATOR: PodEndpoint = { kind: 'pod', namespace: 'monitoring-global', labels: { 'app.kubernetes.io/name': 'prometheus' } };
  const policiesOf = (objects: readonly Manifest[]) => objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as NetworkPolicy[];
  const prometheusPod = (objects: readonly Manifest[]): PodEndpoint => ({
    kind: 'pod',
    namespace: objects.find((o) => o.kind === 'Namespace')!.metadata.name,
    labels: podTemplateOf(findObject(objects, 'StatefulSet', PROMETHEUS.name)).metadata.labels,
  });

  test('prod: the global Prometheus of allowedFrom may call the web port (/federate); another namespace may not', () => {
    const objects = envObjects('prod');
    const policies = policiesOf(objects);
    const prometheus = prometheusPod(objects);
    expect(allows(policies, FEDERATOR, prometheus, PROMETHEUS.port.port)).toBe(true);
    expect(allows(policies, { ...FEDERATOR, namespace: 'other' }, prometheus, PROMETHEUS.port.port)).toBe(false);
    expect(allows(policies, { ...FEDERATOR, labels: { 'app.kubernetes.io/name': 'grafana' } }, prometheus, PROMETHEUS.port.port)).toBe(false);
    expect(findObject(objects, 'NetworkPolicy', 'prometheus').metadata.annotations![WHY_ANNOTATION]).toContain('federation: GET /federate (prometheus.federation.allowedFrom)');
  });

  test('dev and staging: federation is off, nobody from outside reaches Prometheus', () => {
    for (const env of ['dev', 'staging']) {
      const objects = envObjects(env);
      expect(valuesOf(env).prometheus.federation.enabled).toBe(false);
      expect(allows(policiesOf(objects), FEDERATOR, prometheusPod(objects), PROMETHEUS.port.port)).toBe(false);
    }
  });

  test('on without allowedFrom, or with a selector that is not a series selector, is refused in one line naming the key', () => {
    expect(errorOf(() => valuesOf('dev', ['prometheus.federation.enabled=true']))).toContain('prometheus.federation.allowedFrom: required when prometheus.federation.enabled is true');
    expect(errorOf(() => valuesOf('dev', ['prometheus.federation.match[0]=rate(up[5m])']))).toContain('prometheus.federation.match.0: expected a series selector');
    expect(errorOf(() => valuesOf('dev', [], { prometheus: { federation: { match: ['{job=~".*"}'] } } }))).toContain(
      'prometheus.federation.match.0: expected at least one matcher that does not match the empty string',
    );
    expect(errorOf(() => valuesOf('dev', ['prometheus.federation.match[0]=up{job="x"']))).toContain('prometheus.federation.match.0: not valid PromQL');
  });

  describeWithTool('prometheus', 'the real prometheus serves /federate with our prod config', (prometheusBin) => {
    let server: LiveServer | undefined;
    let copy: RunnablePrometheus | undefined;
    const match = valuesOf('prod').prometheus.federation.match;

    beforeAll(async () => {
      const objects = envObjects('prod');
      server = await startServer({
        name: 'prometheus federation',
        bin: prometheusBin,
        args: (port) => {
          copy = runnablePrometheus(mkdtempSync(join(tmp, 'federate-')), configOf(objects), configMapDataOf(objects, PROMETHEUS.rulesConfigMap), { staticTarget: `127.0.0.1:${port}` });
          return prometheusArgs(copy, port);
        },
      });
    }, 30_000);
    afterAll(stopServers);

    const federate = (selectors: readonly string[]) => getText(`${server!.url}/federate?${selectors.map((m) => `match[]=${encodeURIComponent(m)}`).join('&')}`);

    test('prod asks for the documented selectors', () => {
      expect(match).toEqual(DEFAULT_FEDERATION_MATCH);
      expect(copy!.config).toMatchObject({ global: { external_labels: { environment: 'prod' } } });
    });

    test('every documented match[] selector is accepted (200), and the always-firing Watchdog comes back with our external labels', async () => {
      for (const m of match) expect([m, (await federate([m])).status]).toEqual([m, 200]);
      // The Watchdog rule fires from its first evaluation (15 s): its ALERTS series is in the answer, labelled as ours.
      const answer = await pollUntil(() => federate(match), (r) => /ALERTS\{[^}]*alertname="Watchdog"/.test(r.text), { timeoutMs: 90_000, intervalMs: 1000 });
      expect(answer.text).toMatch(/^ALERTS\{[^}]*alertname="Watchdog"/m);
      const line = answer.text.split('\n').find((l) => /^ALERTS\{[^}]*alertname="Watchdog"/.test(l));
      expect(line).toMatch(/environment="prod"/);
      expect(line).toMatch(/cluster="/);
    }, 120_000);

    test('control: a selector Prometheus refuses is a 400, so the 200s above mean something', async () => {
      expect((await federate(['rate(up[5m])'])).status).toBe(400);
    });
  });
});
