/**
 * Alertmanager's workload (StatefulSet, PVC, clustering, Services, probes,
 * config roll-out, Secret mounts), its values validation (an enabled receiver
 * without its Secret is a clear error; no value can hold a credential) and
 * the inhibit rule, evaluated in-process since amtool cannot.
 */
import { posix } from 'node:path';
import * as yaml from 'js-yaml';
import { ALERT_LABELS, SEVERITIES, TWIN_EQUAL_LABELS } from '../lib/catalog/alerting';
import { ALERTMANAGER } from '../lib/alertmanager/constants';
import { checksum } from '../lib/core/workload';
import { Manifest } from '../lib/synth/render';
import { resolveValues } from '../lib/values/load';
import { valuesSchema } from '../lib/values/schema';
import { ENVIRONMENTS, envObjects, findObject } from './support/stack';
import { errorOf, valuesOf } from './support/values';

type Container = {
  name: string;
  image: string;
  args: string[];
  env?: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports: { name: string; containerPort: number; protocol: string }[];
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
};
type Volume = { name: string; configMap?: { name: string }; secret?: { secretName: string; items: { key: string; path: string }[] } };
type StatefulSetSpec = {
  replicas: number;
  serviceName: string;
  template: { metadata: { annotations: Record<string, string> }; spec: { containers: Container[]; volumes: Volume[] } };
  volumeClaimTemplates: { metadata: { name: string }; spec: { storageClassName?: string; resources: { requests: { storage: string } } } }[];
};
type ServiceSpec = { clusterIP?: string; publishNotReadyAddresses?: boolean; ports: { name: string; port: number; protocol: string; targetPort: string }[] };

interface Rendered {
  objects: Manifest[];
  sts: StatefulSetSpec;
  am: Container;
  configMap: { data: Record<string, string> };
  config: AmConfig;
}

interface AmConfig {
  route: Record<string, unknown>;
  inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
  receivers: ({ name: string } & Record<string, unknown>)[];
}

function render(env: string, sets: string[] = []): Rendered {
  const objects = envObjects(env, { sets });
  const sts = findObject(objects, 'StatefulSet', ALERTMANAGER.name).spec as StatefulSetSpec;
  const configMap = findObject(objects, 'ConfigMap', ALERTMANAGER.configMap) as unknown as { data: Record<string, string> };
  const config = yaml.load(configMap.data[ALERTMANAGER.configFile]) as AmConfig;
  return { objects, sts, am: sts.template.spec.containers.find((c) => c.name === ALERTMANAGER.name)!, configMap, config };
}

function argValues(c: Container, flag: string): string[] {
  return c.args.filter((a) => a.startsWith(`--${flag}=`)).map((a) => a.slice(flag.length + 3));
}

/** Names of the Secrets mounted into the pod. */
function mountedSecrets(sts: StatefulSetSpec): string[] {
  return sts.template.spec.volumes.flatMap((v) => (v.secret ? [v.secret.secretName] : [])).sort();
}

describe('StatefulSet, storage and Services', () => {
  test.each(ENVIRONMENTS)('%s: pinned image, replicas and storage from values, storage path on the PVC, config file from the ConfigMap, probes', (env) => {
    const { sts, am, objects } = render(env);
    const v = valuesOf(env).alertmanager;
    expect(am.image).toMatch(/^quay\.io\/prometheus\/alertmanager:v0\.\d+\.\d+$/);
    expect(sts.replicas).toBe(v.replicas);
    expect(sts.volumeClaimTemplates.map((t) => [t.metadata.name, t.spec.resources.requests.storage])).toEqual([['data', v.storage.size]]);
    expect(argValues(am, 'storage.path')).toEqual([ALERTMANAGER.dataDir]);
    expect(am.volumeMounts).toContainEqual({ name: 'data', mountPath: ALERTMANAGER.dataDir });

    const [configFile] = argValues(am, 'config.file');
    const configMount = am.volumeMounts.find((m) => m.mountPath === posix.dirname(configFile))!;
    expect(configMount.readOnly).toBe(true);
    const configVolume = sts.template.spec.volumes.find((v) => v.name === configMount.name)!;
    expect(configVolume.configMap?.name).toBe(ALERTMANAGER.configMap);
    const configMap = findObject(objects, 'ConfigMap', ALERTMANAGER.configMap) as unknown as { data: Record<string, string> };
    expect(Object.keys(configMap.data)).toContain(posix.basename(configFile));

    expect(am.readinessProbe.httpGet).toMatchObject({ path: '/-/ready', port: ALERTMANAGER.port.name });
    expect(am.livenessProbe.httpGet).toMatchObject({ path: '/-/healthy', port: ALERTMANAGER.port.name });
    expect(am.ports).toContainEqual({ name: ALERTMANAGER.port.name, containerPort: 9093, protocol: 'TCP' });
    // Without a URL of its own, its external URL is its Ingress host's, where the ingress publishes it.
    const host = valuesOf(env).ingress.enabled ? valuesOf(env).ingress.hosts.alertmanager : undefined;
    expect(argValues(am, 'web.external-url')).toEqual(host ? [`https://${host}`] : []);
  });

  test('documented defaults: 1 replica, a 2Gi volume, 120h retention', () => {
    expect(valuesSchema.parse({}).alertmanager).toMatchObject({ replicas: 1, retention: '120h', storage: { size: '2Gi' } });
    // The defaults also reach the output when an environment's overrides are removed (--set null, as in Helm).
    const { sts, am } = render('dev', ['alertmanager.replicas=null', 'alertmanager.storage=null', 'alertmanager.retention=null']);
    expect(sts.replicas).toBe(1);
    expect(sts.volumeClaimTemplates.map((t) => [t.metadata.name, t.spec.resources.requests.storage])).toEqual([['data', '2Gi']]);
    expect(sts.volumeClaimTemplates[0].spec.storageClassName).toBeUndefined();
    expect(argValues(am, 'data.retention')).toEqual(['120h']);
  });

  test('storage size and class, replicas, retention and external URL come from values', () => {
    const { sts, am } = render('prod', [
      'alertmanager.storage.size=10Gi',
      'alertmanager.storage.storageClassName=fast-ssd',
      'alertmanager.retention=240h',
      'alertmanager.externalUrl=https://alerts.example.com/am',
    ]);
    expect(sts.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'fast-ssd', resources: { requests: { storage: '10Gi' } } });
    expect(argValues(am, 'data.retention')).toEqual(['240h']);
    expect(argValues(am, 'web.external-url')).toEqual(['https://alerts.example.com/am']);
    // The probes stay at / whatever the external URL's path.
    expect(argValues(am, 'web.route-prefix')).toEqual(['/']);
  });

  test('Service on 9093 and a headless governing Service that publishes not-ready peers', () => {
    const { objects, sts } = render('prod');
    const svc = findObject(objects, 'Service', ALERTMANAGER.name).spec as ServiceSpec;
    expect(svc.ports).toEqual([{ name: 'http-web', port: 9093, protocol: 'TCP', targetPort: 'http-web' }]);
    expect(svc.clusterIP).toBeUndefined();
    const headless = findObject(objects, 'Service', ALERTMANAGER.headlessService).spec as ServiceSpec;
    expect(headless).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(sts.serviceName).toBe(ALERTMANAGER.headlessService);
  });
});

describe('clustering', () => {
  test('one replica: clustering off (--cluster.listen-address= empty), no peers, no mesh ports, no PDB', () => {
    // prod clusters by default: one replica set explicitly must switch all of it off.
    const { am, sts, objects } = render('prod', ['alertmanager.replicas=1']);
    expect(sts.replicas).toBe(1);
    expect(argValues(am, 'cluster.listen-address')).toEqual(['']);
    expect(argValues(am, 'cluster.peer')).toEqual([]);
    expect(am.ports.map((p) => p.name)).toEqual(['http-web']);
    expect(objects.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'alertmanager')).toBe(false);
  });

  test("prod's replicas (3): a peer per replica through the headless Service, gossip on TCP and UDP 9094", () => {
    const { am, sts, objects } = render('prod');
    const { namespace: ns, alertmanager: v } = valuesOf('prod');
    expect(v.replicas).toBeGreaterThan(1); // prod must form a cluster for this test to mean anything
    expect(sts.replicas).toBe(v.replicas);
    const peers = Array.from({ length: v.replicas }, (_, i) => `alertmanager-${i}.alertmanager-cluster.${ns}.svc:9094`);
    expect(argValues(am, 'cluster.peer')).toEqual(peers);
    expect(argValues(am, 'cluster.listen-address')).toEqual(['[$(POD_IP)]:9094']);
    expect(am.env).toContainEqual({ name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } });
    expect(am.ports).toEqual(
      expect.arrayContaining([
        { name: 'tcp-mesh', containerPort: 9094, protocol: 'TCP' },
        { name: 'udp-mesh', containerPort: 9094, protocol: 'UDP' },
      ]),
    );
    const headless = findObject(objects, 'Service', ALERTMANAGER.headlessService).spec as ServiceSpec;
    expect(headless.ports.map((p) => [p.name, p.port, p.protocol])).toEqual([
      ['http-web', 9093, 'TCP'],
      ['tcp-mesh', 9094, 'TCP'],
      ['udp-mesh', 9094, 'UDP'],
    ]);
    const pdb = findObject(objects, 'PodDisruptionBudget', ALERTMANAGER.name).spec as { maxUnavailable: number };
    expect(pdb.maxUnavailable).toBe(1);
  });
});

describe('config roll-out', () => {
  test('the checksum/config annotation is the hash of the ConfigMap data: pods roll when, and only when, the config changes', () => {
    const base = render('prod');
    const annotation = base.sts.template.metadata.annotations['checksum/config'];
    expect(annotation).toBe(checksum(base.configMap.data));
    // A change outside the config (a flag) keeps the config, and so the hash.
    const sameConfig = render('prod', ['alertmanager.retention=240h']);
    expect(sameConfig.configMap.data).toEqual(base.configMap.data);
    expect(sameConfig.sts.template.metadata.annotations['checksum/config']).toBe(annotation);
    // A config change, by --set or by another environment's receivers, changes it.
    const changed = render('prod', ['alertmanager.routing.critical.repeatInterval=30m']);
    expect(changed.sts.template.metadata.annotations['checksum/config']).not.toBe(annotation);
    const staging = render('staging');
    expect(staging.configMap.data).not.toEqual(base.configMap.data);
    expect(staging.sts.template.metadata.annotations['checksum/config']).toBe(checksum(staging.configMap.data));
    expect(staging.sts.template.metadata.annotations['checksum/config']).not.toBe(annotation);
  });
});

describe('receiver Secrets are mounted where the config reads them', () => {
  const sets = [
    'alertmanager.receivers.slack.enabled=true',
    'alertmanager.receivers.slack.secret.name=my-slack',
    'alertmanager.receivers.slack.secret.key=url',
    'alertmanager.receivers.pagerduty.enabled=true',
    'alertmanager.receivers.pagerduty.secret.name=my-pagerduty',
  ];

  test('each enabled receiver: one Secret volume, its key projected to the fixed file the config references', () => {
    const { am, sts, config } = render('prod', sets);
    const critical = config.receivers.find((r) => r.name === 'critical') as unknown as { slack_configs: { api_url_file: string }[]; pagerduty_configs: { routing_key_file: string }[] };
    const expectMounted = (file: string, secretName: string, key: string) => {
      const mount = am.volumeMounts.find((m) => m.mountPath === posix.dirname(file));
      expect([file, mount?.readOnly]).toEqual([file, true]);
      const volume = sts.template.spec.volumes.find((v) => v.name === mount!.name)!;
      expect(volume.secret).toMatchObject({ secretName, items: [{ key, path: posix.basename(file) }] });
    };
    expectMounted(critical.slack_configs[0].api_url_file, 'my-slack', 'url');
    expectMounted(critical.pagerduty_configs[0].routing_key_file, 'my-pagerduty', 'routing-key');
    expect(critical.slack_configs[0].api_url_file).toBe(`${ALERTMANAGER.secretsDir}/slack/api-url`);
  });

  test.each(ENVIRONMENTS)("%s: exactly the Secrets of the environment's enabled Slack, PagerDuty and webhook-URL receivers are mounted", (env) => {
    const { pagerduty, slack, webhook } = valuesOf(env).alertmanager.receivers;
    const expected = [...[pagerduty, slack].filter((r) => r.enabled).map((r) => r.secret.name), ...(webhook.enabled ? [webhook.urlSecret.name] : [])];
    expect(mountedSecrets(render(env).sts)).toEqual(expected.sort());
  });

  test('no receiver enabled: no Secret volume at all, even where Secret names are set', () => {
    const off = [
      'alertmanager.receivers.pagerduty.enabled=false',
      'alertmanager.receivers.slack.enabled=false',
      'alertmanager.receivers.webhook.enabled=false',
      'alertmanager.receivers.teams.application.enabled=false',
      'alertmanager.receivers.teams.infrastructure.enabled=false',
    ];
    const { receivers } = valuesOf('prod', off).alertmanager;
    expect([receivers.pagerduty.secret.name, receivers.slack.secret.name]).not.toContain(undefined); // prod names both
    expect(Object.values(receivers).filter((r) => 'enabled' in r && r.enabled)).toEqual([]);
    expect(mountedSecrets(render('prod', off).sts)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Values validation

/**
 * An environment whose values file configures no receiver, so each test's --set
 * is the only receiver setting (prod and staging name their Secrets, which
 * would satisfy the rules under test).
 */
const NO_RECEIVER_ENV = 'dev';

function valuesError(sets: string[]): string {
  expect(valuesOf(NO_RECEIVER_ENV).alertmanager.receivers).toEqual(valuesSchema.parse({}).alertmanager.receivers);
  return errorOf(() => valuesOf(NO_RECEIVER_ENV, sets), `expected a ValuesError for ${sets.join(' ')}`);
}

describe('values: an enabled receiver needs its Secret and settings', () => {
  test.each(['slack', 'pagerduty'])('%s enabled without a Secret names the missing key', (receiver) => {
    const set = `alertmanager.receivers.${receiver}.enabled=true`;
    expect(valuesError([set])).toBe(
      `--set ${set}: alertmanager.receivers.${receiver}.secret.name: required when alertmanager.receivers.${receiver}.enabled is true`,
    );
  });

  test('email needs to/from/smarthost, and a Secret when it authenticates', () => {
    const msg = valuesError(['alertmanager.receivers.email.enabled=true', 'alertmanager.receivers.email.authUsername=am']);
    for (const field of ['to', 'from', 'smarthost']) {
      expect(msg).toContain(`alertmanager.receivers.email.${field}: required when alertmanager.receivers.email.enabled is true`);
    }
    expect(msg).toContain('alertmanager.receivers.email.secret.name: required when alertmanager.receivers.email.authUsername is set');
  });

  test('webhook and heartbeat need a URL; the webhook exactly one of url and urlSecret', () => {
    const exactlyOne = 'alertmanager.receivers.webhook.url: set exactly one of url and urlSecret.name when alertmanager.receivers.webhook.enabled is true';
    expect(valuesError(['alertmanager.receivers.webhook.enabled=true'])).toContain(exactlyOne);
    expect(
      valuesError(['alertmanager.receivers.webhook.enabled=true', 'alertmanager.receivers.webhook.url=https://hooks.example.com/x', 'alertmanager.receivers.webhook.urlSecret.name=hook']),
    ).toContain(exactlyOne);
    expect(valuesOf(NO_RECEIVER_ENV, ['alertmanager.receivers.webhook.enabled=true', 'alertmanager.receivers.webhook.urlSecret.name=hook']).alertmanager.receivers.webhook.urlPort).toBe(443);
    expect(valuesError(['alertmanager.receivers.heartbeat.enabled=true'])).toContain(
      'alertmanager.receivers.heartbeat.url: required when alertmanager.receivers.heartbeat.enabled is true',
    );
  });

  test('a team needs somewhere to send to, and a Slack Secret of its own or the shared one', () => {
    expect(valuesError(['alertmanager.receivers.teams.application.enabled=true'])).toContain(
      'alertmanager.receivers.teams.application: set slackChannel or emailTo when alertmanager.receivers.teams.application.enabled is true',
    );
    expect(
      valuesError(['alertmanager.receivers.teams.infrastructure.enabled=true', 'alertmanager.receivers.teams.infrastructure.slackChannel=#infra']),
    ).toContain('alertmanager.receivers.teams.infrastructure.slackSecret.name: required when');
    // The shared Slack Secret is enough.
    const ok = valuesOf(NO_RECEIVER_ENV, [
      'alertmanager.receivers.teams.infrastructure.enabled=true',
      'alertmanager.receivers.teams.infrastructure.slackChannel=#infra',
      'alertmanager.receivers.slack.secret.name=shared-slack',
    ]);
    expect(ok.alertmanager.receivers.teams.infrastructure.slackChannel).toBe('#infra');
  });

  test('no value can carry a credential: unknown keys, userinfo and token query strings are refused', () => {
    expect(valuesError(['alertmanager.receivers.slack.apiUrl=https://hooks.slack.com/services/T0/B0/secret'])).toContain(
      'alertmanager.receivers.slack.apiUrl: unknown key',
    );
    expect(valuesError(['alertmanager.receivers.pagerduty.routingKey=abc'])).toContain('alertmanager.receivers.pagerduty.routingKey: unknown key');
    expect(valuesError(['alertmanager.receivers.email.authPassword=hunter2'])).toContain('alertmanager.receivers.email.authPassword: unknown key');
    expect(valuesError(['alertmanager.receivers.webhook.url=https://user:pw@hooks.example.com/x'])).toContain('must not contain user:password@');
    expect(valuesError(['alertmanager.receivers.webhook.url=https://hooks.example.com/x?token=abc'])).toContain('must not carry a credential');
  });

  test('maintenance windows: an empty interval (mute forever), an inverted time range and a time zone are refused', () => {
    const window = (interval: Record<string, unknown>) => () =>
      resolveValues([{ source: 'test', data: { alertmanager: { maintenanceWindows: [{ name: 'w', intervals: [interval] }] } } }]);
    expect(window({})).toThrow(/alertmanager\.maintenanceWindows\.0\.intervals\.0: set at least one of times, weekdays/);
    expect(window({ times: [{ start: '04:00', end: '02:00' }] })).toThrow(/maintenanceWindows\.0\.intervals\.0\.times\.0\.end: start must be before end/);
    // The image has no zone database: a location would stop Alertmanager from loading its config.
    expect(window({ weekdays: ['sunday'], location: 'Europe/Berlin' })).toThrow(/intervals\.0\.location: unknown key/);
    expect(window({ weekdays: ['sunday'], times: [{ start: '02:00', end: '04:00' }] })).not.toThrow();
  });
});

// ---------------------------------------------------------------------------
// Inhibition, evaluated in-process with Alertmanager's semantics (amtool cannot)

type Labels = Record<string, string>;

/** Parses `label="value"` / `label=~"re"` / `label!="v"` / `label!~"re"` (the forms our config emits). */
function parseMatcher(m: string): (labels: Labels) => boolean {
  const parsed = /^([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)"((?:[^"\\]|\\.)*)"$/.exec(m);
  if (!parsed) throw new Error(`unparsable matcher ${m}`);
  const [, name, op, raw] = parsed;
  const value = JSON.parse(`"${raw}"`) as string;
  const re = new RegExp(`^(?:${value})$`);
  return (labels) => {
    const v = labels[name] ?? '';
    switch (op) {
      case '=':
        return v === value;
      case '!=':
        return v !== value;
      case '=~':
        return re.test(v);
      default:
        return !re.test(v);
    }
  };
}

const matchesAll = (matchers: string[], labels: Labels) => matchers.every((m) => parseMatcher(m)(labels));

/**
 * Alertmanager's inhibitor: a target is muted when a firing source matches the
 * source matchers and has the same values (missing = empty) for every `equal`
 * label; an alert matching both sides cannot be muted by one that does too.
 */
function isInhibited(target: Labels, firing: Labels[], rules: AmConfig['inhibit_rules']): boolean {
  return rules.some((rule) => {
    if (!matchesAll(rule.target_matchers, target)) return false;
    const targetIsSource = matchesAll(rule.source_matchers, target);
    return firing.some(
      (source) =>
        source !== target &&
        matchesAll(rule.source_matchers, source) &&
        !(targetIsSource && matchesAll(rule.target_matchers, source)) &&
        rule.equal.every((l) => (source[l] ?? '') === (target[l] ?? '')),
    );
  });
}

describe('inhibit rule: the critical twin mutes the warning one', () => {
  const { config } = render('prod');
  const rules = config.inhibit_rules;
  const alert = (severity: string, extra: Labels = {}): Labels => ({
    alertname: 'PynomalyHighErrorRate',
    [ALERT_LABELS.severity]: severity,
    [ALERT_LABELS.category]: 'application',
    [ALERT_LABELS.service]: 'pynomaly-api',
    namespace: 'pynomaly',
    cluster: 'pynomaly',
    environment: 'prod',
    ...extra,
  });

  test('one rule, built on the label contract', () => {
    expect(SEVERITIES).toEqual(expect.arrayContaining(['critical', 'warning']));
    expect(rules).toEqual([
      { source_matchers: [`${ALERT_LABELS.severity}="critical"`], target_matchers: [`${ALERT_LABELS.severity}="warning"`], equal: [...TWIN_EQUAL_LABELS] },
    ]);
  });

  test('warning and critical of the same alertname and service: the warning is muted, the critical is not', () => {
    const warning = alert('warning');
    const critical = alert('critical');
    expect(isInhibited(warning, [warning, critical], rules)).toBe(true);
    expect(isInhibited(critical, [warning, critical], rules)).toBe(false);
  });

  test('a label missing on both sides counts as equal (Alertmanager semantics)', () => {
    const { namespace: _n, ...warning } = alert('warning');
    const { namespace: _m, ...critical } = alert('critical');
    expect(isInhibited(warning, [warning, critical], rules)).toBe(true);
  });

  test('nothing else is muted: other service, other alertname, other environment, info, or no critical firing', () => {
    const warning = alert('warning');
    expect(isInhibited(warning, [warning, alert('critical', { service: 'postgres' })], rules)).toBe(false);
    expect(isInhibited(warning, [warning, alert('critical', { alertname: 'PynomalyServiceDown' })], rules)).toBe(false);
    expect(isInhibited(warning, [warning, alert('critical', { environment: 'staging' })], rules)).toBe(false);
    expect(isInhibited(alert('info'), [alert('info'), alert('critical')], rules)).toBe(false);
    expect(isInhibited(warning, [warning], rules)).toBe(false);
  });
});
