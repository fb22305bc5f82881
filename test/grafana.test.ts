/**
 * Grafana: the Deployment (admin from a Secret, hardening, probes, volumes,
 * checksum), the provisioned datasources and their cross-links, the dashboard
 * provider, and dashboards added through the values.
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as yaml from 'js-yaml';
import { GRAFANA } from '../lib/grafana/constants';
import { DATASOURCE_UIDS } from '../lib/grafana/datasources';
import { additionalDashboards } from '../lib/grafana/dashboards';
import { stableJson } from '../lib/grafana/json';
import { Manifest } from '../lib/synth/render';
import { resolveValues } from '../lib/values/load';
import { ContainerJson, containerOf, PodTemplateJson, podOf, VolumeJson } from './support/k8s';
import { builtStack, envObjects, findObject, prometheusTargets, synthFiles } from './support/stack';
import { errorOf, tempDir, valuesOf } from './support/values';

type Tree = Record<string, unknown>;

type Container = ContainerJson;
type PodTemplate = PodTemplateJson & { spec: { volumes: readonly VolumeJson[] } };

const tmp = tempDir('grafana-test-');

/** Grafana's objects with the given values: the stack is built, only Grafana's file is rendered. */
function render(data: Tree = {}): Manifest[] {
  const values = resolveValues([{ source: 'test', data: { environment: 'dev', namespace: 'mon', ...data } }]);
  return builtStack(values)
    .files.filter((f) => f.path === GRAFANA.name)
    .flatMap((f) => f.chart.toJson() as Manifest[]);
}

function grafana(extra: Tree): Tree {
  return { grafana: extra };
}

function pod(objects: Manifest[]): PodTemplate {
  return podOf(objects, 'Deployment', GRAFANA.name) as PodTemplate;
}

function mainContainer(objects: Manifest[]): Container {
  return containerOf(pod(objects), GRAFANA.name);
}

function envOf(c: Container): Record<string, string | undefined> {
  return Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
}

function configData(objects: Manifest[], name: string): Record<string, string> {
  return findObject(objects, 'ConfigMap', name).data as Record<string, string>;
}

interface Datasource {
  name: string;
  uid: string;
  type: string;
  url: string;
  isDefault?: boolean;
  basicAuth?: boolean;
  basicAuthUser?: string;
  jsonData: Tree;
  secureJsonData?: Record<string, string>;
}

function datasources(objects: Manifest[]): { datasources: Datasource[]; prune: boolean } {
  return yaml.load(configData(objects, GRAFANA.datasourcesConfigMap)['datasources.yaml']) as { datasources: Datasource[]; prune: boolean };
}

/** Every value under a key named `datasourceUid`, anywhere in the tree. */
function linkedUids(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(linkedUids);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) => (k === 'datasourceUid' && typeof v === 'string' ? [v] : linkedUids(v)));
}

function dashboardConfigMaps(objects: Manifest[]): Manifest[] {
  return objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith(GRAFANA.dashboardConfigMapPrefix));
}

function dashboardJson(uid: string, extra: Tree = {}): string {
  return JSON.stringify({ uid, title: `Dashboard ${uid}`, schemaVersion: 41, panels: [{ id: 1, type: 'timeseries', title: 'p' }], ...extra });
}

const defaults = render();

describe('Grafana Deployment', () => {
  const c = mainContainer(defaults);
  const env = envOf(c);

  test('runs a pinned Grafana 13 image as the image user 472', () => {
    expect(c.image).toMatch(/^docker\.io\/grafana\/grafana:13\.\d+\.\d+$/);
    expect(pod(defaults).spec.securityContext?.runAsUser).toBe(472);
    expect(pod(defaults).spec.securityContext?.fsGroup).toBe(472);
  });

  test('the admin account comes from the mounted Secret, never from a literal', () => {
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toBeUndefined();
    expect(env.GF_SECURITY_ADMIN_USER).toBeUndefined();
    const secret = pod(defaults).spec.volumes.find((v) => v.secret?.secretName === 'grafana-admin');
    expect(secret).toBeDefined();
    const mount = (c.volumeMounts ?? []).find((m) => m.name === secret!.name)!;
    const files = secret!.secret!.items!.map((i) => `${mount.mountPath}/${i.path}`);
    expect(files).toContain(env.GF_SECURITY_ADMIN_PASSWORD__FILE);
    expect(files).toContain(env.GF_SECURITY_ADMIN_USER__FILE);
    expect(secret!.secret!.items!.map((i) => i.key).sort()).toEqual(['admin-password', 'admin-user']);
  });

  test('no environment variable carries a credential value', () => {
    const text = JSON.stringify(defaults);
    expect(text).not.toContain('admin123');
    for (const e of c.env ?? []) {
      if (/PASSWORD|SECRET|TOKEN|API_KEY/.test(e.name)) expect([e.name, e.value]).toEqual([e.name, expect.stringMatching(/^\/etc\/grafana\/secrets\//)]);
    }
  });

  test('the admin Secret name and keys follow the values', () => {
    const objects = render(grafana({ admin: { userSecret: { name: 'my-admin', key: 'u' }, passwordSecret: { name: 'my-admin', key: 'p' } } }));
    const secret = pod(objects).spec.volumes.find((v) => v.secret)!.secret!;
    expect(secret.secretName).toBe('my-admin');
    expect(secret.items).toEqual([
      { key: 'u', path: 'admin-user' },
      { key: 'p', path: 'admin-password' },
    ]);
  });

  test('an empty admin Secret name is refused', () => {
    expect(() => render(grafana({ admin: { userSecret: { name: '' } } }))).toThrow(/grafana\.admin\.userSecret\.name/);
  });

  test('admin user and password from two Secrets: one projected volume, both files in the same folder', () => {
    const objects = render(grafana({ admin: { userSecret: { name: 'admin-user' }, passwordSecret: { name: 'admin-password' } } }));
    const admin = pod(objects).spec.volumes.find((v) => v.name === 'admin')! as { projected?: { sources: { secret: { name: string; items: { key: string; path: string }[] } }[] } };
    expect(admin.projected!.sources.map((s) => [s.secret.name, s.secret.items])).toEqual([
      ['admin-user', [{ key: 'admin-user', path: 'admin-user' }]],
      ['admin-password', [{ key: 'admin-password', path: 'admin-password' }]],
    ]);
  });

  test('sign-up, anonymous access, analytics and update checks are off', () => {
    expect(env).toMatchObject({
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
      GF_SNAPSHOTS_EXTERNAL_ENABLED: 'false',
    });
  });

  test('probes hit /api/health on the container port', () => {
    for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe!]) {
      expect(probe.httpGet?.path).toBe('/api/health');
      expect((c.ports ?? []).map((p) => p.name)).toContain(probe.httpGet?.port);
    }
  });

  test('the Service port is the port Grafana listens on', () => {
    const svc = findObject(defaults, 'Service', GRAFANA.name).spec as { ports: { port: number; targetPort: string }[] };
    expect(svc.ports).toHaveLength(1);
    const target = (c.ports ?? []).find((p) => p.name === svc.ports[0].targetPort)!;
    expect(target.containerPort).toBe(3000);
    expect(svc.ports[0].port).toBe(target.containerPort);
    expect(env.GF_SERVER_HTTP_PORT).toBe(String(target.containerPort));
  });

  test('read-only root filesystem, with writable volumes where Grafana writes', () => {
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    const writable = (c.volumeMounts ?? []).filter((m) => !m.readOnly).map((m) => m.mountPath);
    for (const path of [env.GF_PATHS_DATA!, env.GF_PATHS_PLUGINS!, '/tmp']) {
      expect([path, writable.some((w) => path === w || path.startsWith(`${w}/`))]).toEqual([path, true]);
    }
    const writableVolumes = (c.volumeMounts ?? []).filter((m) => !m.readOnly).map((m) => pod(defaults).spec.volumes.find((v) => v.name === m.name)!);
    expect(writableVolumes.every((v) => v.emptyDir || v.persistentVolumeClaim)).toBe(true);
  });

  test('without persistence the data is an emptyDir; with it, a claim and a Recreate rollout', () => {
    expect(defaults.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
    expect(pod(defaults).spec.volumes.find((v) => v.name === 'data')!.emptyDir).toBeDefined();
    const objects = render(grafana({ persistence: { enabled: true, size: '5Gi', storageClassName: 'fast' } }));
    const claim = findObject(objects, 'PersistentVolumeClaim', GRAFANA.dataClaim).spec as Tree;
    expect(claim).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } });
    expect(pod(objects).spec.volumes.find((v) => v.name === 'data')!.persistentVolumeClaim!.claimName).toBe(GRAFANA.dataClaim);
    expect((findObject(objects, 'Deployment', GRAFANA.name).spec as { strategy: { type: string } }).strategy.type).toBe('Recreate');
  });

  test('provisioning ConfigMaps are mounted where Grafana and the provider read them', () => {
    const volumes = pod(defaults).spec.volumes;
    const mountOf = (name: string) => (c.volumeMounts ?? []).find((m) => m.name === name)!.mountPath;
    const byConfigMap = (cm: string) => volumes.find((v) => v.configMap?.name === cm)!.name;
    expect(mountOf(byConfigMap(GRAFANA.datasourcesConfigMap))).toBe(`${env.GF_PATHS_PROVISIONING}/datasources`);
    expect(mountOf(byConfigMap(GRAFANA.dashboardProviderConfigMap))).toBe(`${env.GF_PATHS_PROVISIONING}/dashboards`);
    const projected = volumes.find((v) => v.projected)!;
    expect(projected.projected!.sources.map((s) => s.configMap?.name).sort()).toEqual(dashboardConfigMaps(defaults).map((o) => o.metadata.name).sort());
    const provider = yaml.load(configData(defaults, GRAFANA.dashboardProviderConfigMap)['pynomaly.yaml']) as { providers: { options: { path: string } }[] };
    expect(mountOf(projected.name)).toBe(provider.providers[0].options.path);
  });
});

describe('high availability: several replicas share an external database', () => {
  const DB = { type: 'postgres', host: 'grafana-db.databases.svc:5432', user: 'grafana', passwordSecret: { name: 'grafana-db' } };
  const ha = render(grafana({ replicas: 3, database: DB }));
  const deploymentSpec = (objects: Manifest[]) => findObject(objects, 'Deployment', GRAFANA.name).spec as { replicas: number; template: { spec: { affinity?: Tree } } };

  test('one replica by default: SQLite, no database settings, no PodDisruptionBudget', () => {
    expect(deploymentSpec(defaults).replicas).toBe(1);
    expect(Object.keys(envOf(mainContainer(defaults))).filter((k) => k.startsWith('GF_DATABASE_'))).toEqual([]);
    expect(defaults.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
  });

  test('the database settings are environment variables; the password a file of the mounted Secret', () => {
    const dbEnv = envOf(mainContainer(ha));
    expect(Object.fromEntries(Object.entries(dbEnv).filter(([k]) => k.startsWith('GF_DATABASE_')))).toEqual({
      GF_DATABASE_TYPE: 'postgres',
      GF_DATABASE_HOST: 'grafana-db.databases.svc:5432',
      GF_DATABASE_NAME: 'grafana',
      GF_DATABASE_USER: 'grafana',
      GF_DATABASE_PASSWORD__FILE: '/etc/grafana/secrets/database/password',
      GF_DATABASE_SSL_MODE: 'require',
    });
    const volume = pod(ha).spec.volumes.find((v) => v.secret?.secretName === 'grafana-db')!;
    expect(volume.secret).toMatchObject({ items: [{ key: 'password', path: 'password' }], defaultMode: 0o440 });
    expect(mainContainer(ha).volumeMounts).toContainEqual({ name: volume.name, mountPath: '/etc/grafana/secrets/database', readOnly: true });
  });

  test('replicas are spread across nodes and a PodDisruptionBudget lets a drain take one at a time', () => {
    const spec = deploymentSpec(ha);
    expect(spec.replicas).toBe(3);
    expect(spec.template.spec.affinity).toMatchObject({ podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } }] } });
    expect(findObject(ha, 'PodDisruptionBudget', GRAFANA.name).spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'grafana' } } });
    expect((findObject(ha, 'Deployment', GRAFANA.name).spec as { strategy: { type: string } }).strategy.type).toBe('RollingUpdate');
  });

  test('MySQL gets no PostgreSQL TLS mode', () => {
    expect(envOf(mainContainer(render(grafana({ database: { ...DB, type: 'mysql', host: 'mysql.db.svc:3306' } })))).GF_DATABASE_SSL_MODE).toBeUndefined();
  });

  test.each([
    ['more replicas without a database', ['grafana.replicas=2'], 'grafana.replicas: more than one replica needs an external database: set grafana.database (type, host, user, passwordSecret); SQLite has one writer'],
    ['more replicas with the SQLite claim', ['grafana.replicas=2', 'grafana.database.type=postgres', 'grafana.database.host=db.example.com:5432', 'grafana.database.user=g', 'grafana.database.passwordSecret.name=s', 'grafana.persistence.enabled=true'], 'grafana.persistence.enabled: must be false with more than one replica'],
    ['a database without its password Secret', ['grafana.database.type=postgres', 'grafana.database.host=db.example.com:5432', 'grafana.database.user=g'], 'grafana.database.passwordSecret.name: required when grafana.database.type is set'],
    ['a database host without a port', ['grafana.database.type=postgres', 'grafana.database.host=db.example.com', 'grafana.database.user=g', 'grafana.database.passwordSecret.name=s'], 'grafana.database.host: expected host:port'],
  ])('refused in one line naming the key: %s', (_case, sets, message) => {
    const error = errorOf(() => valuesOf('dev', sets));
    expect(error.split('\n')).toHaveLength(1);
    expect(error).toContain(message);
  });

  test('the NetworkPolicy lets Grafana reach its database on its port', () => {
    const policies = envObjects('dev', { sets: ['grafana.replicas=2', 'grafana.database.type=postgres', 'grafana.database.host=grafana-db.databases.svc:5432', 'grafana.database.user=g', 'grafana.database.passwordSecret.name=s'] });
    const policy = findObject(policies, 'NetworkPolicy', GRAFANA.name);
    expect(policy.metadata.annotations!['network.pynomaly.io/why']).toMatch(/to pods behind Service grafana-db\.databases, 5432\/TCP: its database \(grafana\.database\)/);
  });
});

describe('checksum of the provisioning', () => {
  const checksumOf = (objects: Manifest[]) => pod(objects).metadata.annotations?.['checksum/provisioning'];

  test('is stable from one render to the next', () => {
    expect(checksumOf(render())).toBe(checksumOf(defaults));
    expect(checksumOf(defaults)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('changes when a dashboard is added or changed', () => {
    const one = render(grafana({ dashboards: { additional: { 'mine.json': dashboardJson('mine') } } }));
    const changed = render(grafana({ dashboards: { additional: { 'mine.json': dashboardJson('mine', { title: 'Renamed' }) } } }));
    expect(checksumOf(one)).not.toBe(checksumOf(defaults));
    expect(checksumOf(changed)).not.toBe(checksumOf(one));
  });

  test('changes when a datasource changes', () => {
    const objects = render(grafana({ datasources: { elasticsearch: { url: 'http://logs.example:9200' } } }));
    expect(checksumOf(objects)).not.toBe(checksumOf(defaults));
  });
});

describe('datasources', () => {
  const { datasources: list, prune } = datasources(defaults);
  const byType = (type: string) => list.find((d) => d.type === type)!;

  test('fixed uids, declared once', () => {
    expect(list.map((d) => d.uid).sort()).toEqual(Object.values(DATASOURCE_UIDS).sort());
    expect(new Set(list.map((d) => d.uid)).size).toBe(list.length);
    expect(prune).toBe(true);
  });

  test('Prometheus is the only default, at the in-cluster Service', () => {
    expect(list.filter((d) => d.isDefault).map((d) => d.uid)).toEqual([DATASOURCE_UIDS.prometheus]);
    expect(byType('prometheus').url).toBe('http://prometheus.mon.svc:9090');
  });

  test('Alertmanager uses the Prometheus Alertmanager implementation', () => {
    expect(byType('alertmanager').jsonData.implementation).toBe('prometheus');
    expect(byType('alertmanager').url).toBe('http://alertmanager.mon.svc:9093');
  });

  test('Elasticsearch reads pynomaly-logs-* on @timestamp (parsed by Logstash from the app timestamp)', () => {
    const es = byType('elasticsearch');
    // Our Elasticsearch has security on by default: TLS.
    expect(es.url).toBe('https://elasticsearch.mon.svc:9200');
    expect(es.jsonData).toMatchObject({ index: 'pynomaly-logs-*', timeField: '@timestamp' });
  });

  test('the Jaeger datasource and the jaeger scrape target name one Service', () => {
    const target = prometheusTargets(valuesOf('dev')).find((t) => t.job === 'jaeger');
    expect(target?.kind === 'service' && target.selector['app.kubernetes.io/name']).toBe('jaeger');
    expect(byType('jaeger').url).toMatch(/^http:\/\/jaeger\./);
  });

  test('Jaeger links traces to logs by correlation id and to metrics', () => {
    const jaeger = byType('jaeger');
    expect(jaeger.url).toBe('http://jaeger.mon.svc:16686');
    const toLogs = jaeger.jsonData.tracesToLogsV2 as Tree;
    expect(toLogs).toMatchObject({ datasourceUid: DATASOURCE_UIDS.elasticsearch, customQuery: true });
    // `$$` is a literal `$` in provisioning files (Grafana expands $VAR there).
    expect(toLogs.query).toBe('correlation_id:"$${__span.tags.correlation_id}"');
    expect((jaeger.jsonData.tracesToMetrics as Tree).datasourceUid).toBe(DATASOURCE_UIDS.prometheus);
  });

  test('URLs can be overridden', () => {
    const objects = render(grafana({ datasources: { jaeger: { url: 'https://traces.example' }, prometheus: { url: 'http://thanos:9090' } } }));
    const urls = Object.fromEntries(datasources(objects).datasources.map((d) => [d.type, d.url]));
    expect(urls).toMatchObject({ jaeger: 'https://traces.example', prometheus: 'http://thanos:9090' });
    expect(() => render(grafana({ datasources: { jaeger: { url: 'not a url' } } }))).toThrow(/grafana\.datasources\.jaeger\.url/);
  });

  const switches: Tree[] = [
    {},
    { elasticsearch: { enabled: false } },
    { prometheus: { enabled: false } },
    { jaeger: { enabled: false } },
    { elasticsearch: { enabled: false }, prometheus: { enabled: false }, alertmanager: { enabled: false } },
  ];
  test.each(switches.map((s) => [JSON.stringify(s), s]))('every cross-link resolves to a provisioned uid (%s)', (_name, sw) => {
    const objects = render(grafana({ datasources: sw }));
    const provisioned = new Set(datasources(objects).datasources.map((d) => d.uid));
    const links = linkedUids(datasources(objects));
    for (const uid of links) expect([uid, provisioned.has(uid)]).toEqual([uid, true]);
    for (const cm of dashboardConfigMaps(objects)) {
      for (const [file, json] of Object.entries(cm.data as Record<string, string>)) {
        const used = [...json.matchAll(/"uid": "([^"]+)"/g)].map((m) => m[1]).filter((u) => u !== JSON.parse(json).uid);
        for (const uid of used) expect([file, uid, provisioned.has(uid)]).toEqual([file, uid, true]);
      }
    }
  });

  test('a switched-off datasource is not provisioned and drops the links to it', () => {
    const objects = render(grafana({ datasources: { elasticsearch: { enabled: false } } }));
    const list2 = datasources(objects).datasources;
    expect(list2.map((d) => d.type)).not.toContain('elasticsearch');
    expect(list2.find((d) => d.type === 'jaeger')!.jsonData.tracesToLogsV2).toBeUndefined();
    expect(dashboardConfigMaps(objects).map((o) => o.metadata.name)).not.toContain('grafana-dashboard-logs');
  });

  test('no credential is written: Elasticsearch basic auth is read from a mounted Secret', () => {
    // Defaults (our Elasticsearch with security on): credentials and CA are file references only.
    const byDefault = datasources(defaults).datasources.find((d) => d.type === 'elasticsearch')!;
    expect([byDefault.basicAuthUser, ...Object.values(byDefault.secureJsonData ?? {})].every((x) => /^\$__file\{[^}]+\}$/.test(x ?? ''))).toBe(true);
    expect(Object.keys(byDefault.secureJsonData ?? {}).sort()).toEqual(['basicAuthPassword', 'tlsCACert']);
    const objects = render(grafana({ datasources: { elasticsearch: { basicAuth: { usernameSecret: { name: 'es-creds' }, passwordSecret: { key: 'pw' } } } } }));
    const es = datasources(objects).datasources.find((d) => d.type === 'elasticsearch')!;
    expect(es.basicAuth).toBe(true);
    const fileRef = /^\$__file\{(.+)\}$/;
    expect(es.basicAuthUser).toMatch(fileRef);
    expect(es.secureJsonData!.basicAuthPassword).toMatch(fileRef);
    const passwordFile = fileRef.exec(es.secureJsonData!.basicAuthPassword)![1];
    const volume = pod(objects).spec.volumes.find((v) => v.secret?.secretName === 'es-creds')!;
    const mount = (mainContainer(objects).volumeMounts ?? []).find((m) => m.name === volume.name)!;
    expect(volume.secret!.items).toContainEqual({ key: 'pw', path: passwordFile.slice(mount.mountPath.length + 1) });
  });
});

describe('dashboard provider', () => {
  const provider = yaml.load(configData(defaults, GRAFANA.dashboardProviderConfigMap)['pynomaly.yaml']) as { providers: Tree[] };

  test('loads every file into the Pynomaly folder, read-only', () => {
    expect(provider.providers).toHaveLength(1);
    expect(provider.providers[0]).toMatchObject({
      type: 'file',
      folder: 'Pynomaly',
      allowUiUpdates: false,
      options: { foldersFromFilesStructure: false },
    });
  });

  test('each dashboard ConfigMap holds one top-level dashboard, well under 1 MiB, stably serialized', () => {
    const cms = dashboardConfigMaps(defaults);
    expect(cms.length).toBe(5);
    for (const cm of cms) {
      const entries = Object.entries(cm.data as Record<string, string>);
      expect(entries).toHaveLength(1);
      const [file, json] = entries[0];
      expect(Buffer.byteLength(file + json)).toBeLessThan(1024 * 1024);
      const model = JSON.parse(json) as Tree;
      expect([file, typeof model.uid, typeof model.title, 'dashboard' in model]).toEqual([file, 'string', 'string', false]);
      // Deterministic: sorted keys, two-space indentation.
      expect(json).toBe(stableJson(model));
      expect(json.split('\n')[1]).toMatch(/^ {2}"/);
    }
  });
});

describe('additional dashboards from the values', () => {
  test('inline JSON is checked, normalized and provisioned in its own ConfigMap', () => {
    const objects = render(grafana({ dashboards: { additional: { 'team-board.json': dashboardJson('team-board', { id: 42 }) } } }));
    const data = configData(objects, 'grafana-dashboard-team-board');
    const model = JSON.parse(data['team-board.json']) as Tree;
    expect(model.uid).toBe('team-board');
    expect(model.id).toBeUndefined();
    expect(data['team-board.json']).toBe(stableJson(model));
    const projected = pod(objects).spec.volumes.find((v) => v.projected)!.projected!.sources.map((s) => s.configMap?.name);
    expect(projected).toContain('grafana-dashboard-team-board');
  });

  test('a path is read relative to the current directory', () => {
    const file = join(tmp, 'from-file.json');
    writeFileSync(file, dashboardJson('from-file'));
    const values = resolveValues([{ source: 't', data: { grafana: { dashboards: { additional: { 'from-file.json': relative(process.cwd(), file) } } } } }]);
    expect(additionalDashboards(values.grafana).map((d) => d.uid)).toEqual(['from-file']);
    const other = resolveValues([{ source: 't', data: { grafana: { dashboards: { additional: { 'from-file.json': 'from-file.json' } } } } }]);
    expect(additionalDashboards(other.grafana, tmp).map((d) => d.uid)).toEqual(['from-file']);
  });

  test('a missing file is an error naming the file', () => {
    const message = errorOf(() => render(grafana({ dashboards: { additional: { 'gone.json': 'dashboards/gone.json' } } })));
    expect(message).toContain('grafana.dashboards.additional["gone.json"]');
    expect(message).toContain(join(process.cwd(), 'dashboards/gone.json'));
  });

  const bad: [string, string, RegExp][] = [
    ['invalid JSON', '{"uid": ', /not valid JSON/],
    ['no uid', JSON.stringify({ title: 'x', panels: [] }), /needs a "uid"/],
    ['no title', JSON.stringify({ uid: 'x', panels: [] }), /needs a non-empty "title"/],
    ['the API envelope', JSON.stringify({ dashboard: { uid: 'x', title: 'x', panels: [] }, overwrite: true }), /wrapped in \{"dashboard": \.\.\.\}/],
    ['an Angular pie chart', dashboardJson('x', { panels: [{ type: 'grafana-piechart-panel', title: 'pie' }] }), /deprecated Angular panel "grafana-piechart-panel".*"piechart"/],
    [
      'an Angular world map in a collapsed row',
      dashboardJson('x', { panels: [{ type: 'row', title: 'r', collapsed: true, panels: [{ type: 'grafana-worldmap-panel', title: 'map' }] }] }),
      /grafana-worldmap-panel.*"geomap"/,
    ],
    ['a uid of a built-in dashboard', dashboardJson('pynomaly-system-overview'), /uid "pynomaly-system-overview" is already used by built-in dashboard/],
  ];
  test.each(bad)('refuses %s', (_what, json, expected) => {
    const message = errorOf(() => render(grafana({ dashboards: { additional: { 'bad.json': json } } })));
    expect(message).toMatch(expected);
    expect(message).toContain('grafana.dashboards.additional["bad.json"]');
  });

  test('two user dashboards with one uid are refused', () => {
    const message = errorOf(() => render(grafana({ dashboards: { additional: { 'a.json': dashboardJson('same'), 'b.json': dashboardJson('same') } } })));
    expect(message).toMatch(/uid "same" is already used by grafana\.dashboards\.additional\["a\.json"\]/);
  });

  test('a file name taken by a built-in dashboard or not usable as a ConfigMap key is refused', () => {
    expect(errorOf(() => render(grafana({ dashboards: { additional: { 'logs.json': dashboardJson('mylogs') } } })))).toMatch(/taken by the built-in dashboard pynomaly-logs/);
    expect(() => render(grafana({ dashboards: { additional: { 'My Board.json': dashboardJson('b') } } }))).toThrow(/grafana\.dashboards\.additional/);
  });
});

describe('dashboards follow the values', () => {
  const exprsOf = (objects: Manifest[]): string[] => {
    const model = JSON.parse(configData(objects, 'grafana-dashboard-anomaly-detection')['anomaly-detection.json']) as { panels: { targets?: { expr: string }[] }[] };
    return model.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  };

  test('detection and training failures are the components the alert rules count', () => {
    expect(exprsOf(defaults).filter((e) => e.includes('component=~"detection"')).length).toBeGreaterThan(0);
    const objects = render({ rules: { application: { detectionComponentRegex: 'detect\\w*|scoring', trainingComponentRegex: 'fit' } } });
    const exprs = exprsOf(objects);
    // The regex is written as a PromQL string literal: its backslash is escaped.
    expect(exprs.filter((e) => e.includes('component=~"detect\\\\w*|scoring"')).length).toBeGreaterThan(0);
    expect(exprs.filter((e) => e.includes('component=~"fit"')).length).toBeGreaterThan(0);
    expect(exprs.some((e) => e.includes('component=~"detection"'))).toBe(false);
  });

  test('the Logs dashboard uses the configured time field', () => {
    const objects = render(grafana({ datasources: { elasticsearch: { timeField: 'event_time' } } }));
    const json = configData(objects, 'grafana-dashboard-logs')['logs.json'];
    expect(json).toContain('"timeField": "event_time"');
    expect(json).not.toContain('"timeField": "@timestamp"');
  });
});

describe('in the synthesized environments', () => {
  const files = synthFiles();

  test('every environment has Grafana, its dashboards and the Helm template of them', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const plain = files.get(`${env}/grafana.yaml`)!;
      expect(plain).toContain('kind: Deployment');
      expect(plain).toContain('grafana-dashboard-system-overview');
      // Legends such as {{status_code}} are escaped in the Helm template, not in the plain YAML.
      expect(plain).toContain('{{status_code}}');
      expect(files.get(`helm/${env}/templates/grafana.yaml`)).toContain('{{ "{{" }}status_code{{ "}}" }}');
    }
  });
});
