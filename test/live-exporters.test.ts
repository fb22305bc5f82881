/**
 * The exporters we deploy, proven against the real ones Debian packages
 * (prometheus-node-exporter, -redis-exporter, -postgres-exporter,
 * -elasticsearch-exporter) and real redis-server and PostgreSQL, all on
 * loopback:
 * - each exporter runs with the flags and environment of its SYNTHESIZED
 *   workload (prod), changed only where this machine differs from the pod
 *   (REWRITES below: listen address, server addresses, files of Secrets,
 *   the host paths node-exporter's volumes mount);
 * - our synthesized Prometheus config and rules scrape them, discovery
 *   swapped for static loopback targets carrying the meta labels endpoint
 *   discovery would give (from the synthesized Services), so each job's own
 *   relabelling keeps them;
 * - every exporter metric and label of the catalog (which every rule and
 *   dashboard query is checked against in promql-catalog.test.ts) is in the
 *   real output, but for the known differences listed below;
 * - every rule evaluates healthy; RedisDown and PostgreSQLDown fire when the
 *   servers stop and resolve when they are back.
 * The Redis and PostgreSQL servers require a password: the exporters log in
 * with the files our manifests point at, in the format our values document.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { METRICS, MetricDef, seriesNames } from '../lib/catalog';
import { JOBS } from '../lib/catalog/jobs';
import { ALERTS } from '../lib/rules/names';
import { PROMETHEUS } from '../lib/prometheus/constants';
import { sanitizeLabelName } from '../lib/prometheus/relabel';
import type { ScrapeConfig } from '../lib/prometheus/scrape-config';
import * as yaml from 'js-yaml';
import { Manifest } from '../lib/synth/render';
import { prometheusArgs, runnablePrometheus, TEST_CA_PEM } from './support/live-configs';
import { getJson, getText, LiveServer, LOOPBACK, pollUntil, startServer, stopServer, stopServers, tcpOpen } from './support/live-server';
import { envObjects } from './support/stack';
import { describeWithTools, ToolName } from './support/tools';
import { tempDir } from './support/values';

const ENV = 'prod';
const objects = envObjects(ENV);
const tmp = tempDir('live-exporters-');
// PostgreSQL runs as the postgres user when we are root: it must be able to enter the folder.
chmodSync(tmp, 0o755);

// ---------------------------------------------------------------------------
// The synthesized objects

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  args?: string[];
  env?: EnvVar[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string } };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  volumes?: { name: string; hostPath?: { path: string }; secret?: { secretName: string; items: { key: string; path: string }[] }; projected?: unknown }[];
}
interface Workload extends Manifest {
  spec: { template: { spec: PodSpec } };
}

/** The first workload of an exporter (by app.kubernetes.io/name) and its container. */
function exporterWorkload(name: string): { workload: Workload; pod: PodSpec; c: Container } {
  const workload = objects.find(
    (o) => ['Deployment', 'DaemonSet'].includes(o.kind) && (o.metadata as { labels?: Record<string, string> }).labels?.['app.kubernetes.io/name'] === name,
  ) as Workload | undefined;
  if (!workload) throw new Error(`no workload of ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  const pod = workload.spec.template.spec;
  return { workload, pod, c: pod.containers[0] };
}

function serviceOf(name: string): { metadata: { name: string; namespace: string; labels: Record<string, string> }; spec: { ports: { name: string; targetPort: string }[] } } {
  const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === name);
  if (!svc) throw new Error(`no Service ${name}`);
  return svc as never;
}

// ---------------------------------------------------------------------------
// Rewrites: where this machine differs from the pod, and nothing else

/** What the test changed in an exporter's command line or environment, for the record (asserted). */
const REWRITES: Record<string, string[]> = {};

/** A file of a mounted Secret, written where the test runs; the path is below the container's mount. */
function secretFile(exporter: string, c: Container, path: string, content: string): string {
  const mount = (c.volumeMounts ?? []).find((m) => path.startsWith(`${m.mountPath}/`));
  if (!mount) throw new Error(`${exporter}: ${path} is not below a mounted volume`);
  const local = join(tmp, exporter, 'files', path);
  mkdirSync(join(local, '..'), { recursive: true });
  writeFileSync(local, content);
  return local;
}

/** `--flag=value` → value, for one flag. */
function flag(args: readonly string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

function replaceFlag(exporter: string, args: string[], name: string, value: string, why: string): string[] {
  const old = flag(args, name);
  if (old === undefined) throw new Error(`${exporter}: no ${name} among ${args.join(' ')}`);
  (REWRITES[exporter] ??= []).push(`${name}: ${old} -> ${why}`);
  return args.map((a) => (a.startsWith(`${name}=`) ? `${name}=${value}` : a));
}

function envMap(exporter: string, c: Container, rewrite: Record<string, (value: string | undefined, v: EnvVar) => { value: string; why: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of c.env ?? []) {
    const r = rewrite[v.name];
    if (r) {
      const { value, why } = r(v.value, v);
      (REWRITES[exporter] ??= []).push(`${v.name}: ${v.value ?? JSON.stringify(v.valueFrom)} -> ${why}`);
      out[v.name] = value;
    } else {
      if (v.value === undefined) throw new Error(`${exporter}: ${v.name} is not a plain value and the test does not know it`);
      out[v.name] = v.value;
    }
  }
  for (const name of Object.keys(rewrite)) if (!(name in out)) throw new Error(`${exporter}: the manifest sets no ${name}`);
  return out;
}

// ---------------------------------------------------------------------------
// The Prometheus exposition format, as far as names and label names go

type Exposition = Map<string, Set<string>>;

function parseExposition(text: string): Exposition {
  const out: Exposition = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s/.exec(line);
    if (!m) continue;
    const labels = out.get(m[1]) ?? new Set<string>();
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g)) labels.add(l[1]);
    out.set(m[1], labels);
  }
  return out;
}

/**
 * Known differences of Debian's (older) exporters from the releases we deploy,
 * and what cannot be seen here: series name → why it is absent or differs.
 */
const KNOWN_ABSENT: Readonly<Record<string, string>> = {
  // No Elasticsearch in Debian: the exporter reports the cluster unreachable and exports no cluster series.
  ...Object.fromEntries(
    Object.values(METRICS as Record<string, MetricDef>)
      .filter((d) => d.source === 'elasticsearch-exporter' && d.name !== 'elasticsearch_cluster_health_up')
      .map((d) => [d.name, 'needs a live Elasticsearch (not packaged by Debian): the exporter exports it only from a reachable cluster']),
  ),
  // maxmemory unset and no eviction on a fresh server: redis_exporter exports these all the same (checked: present).
};

/** Labels the catalog declares that a Debian version does not export (metric → labels), with why. */
const KNOWN_MISSING_LABELS: Readonly<Record<string, { labels: readonly string[]; why: string }>> = {
  // The Elasticsearch exporter without a cluster has no cluster name to label with.
  elasticsearch_cluster_health_up: { labels: ['cluster'], why: 'no cluster name without a reachable Elasticsearch' },
};

const SOURCES = { 'node-exporter': JOBS.nodeExporter, 'redis-exporter': JOBS.redisExporter, 'postgres-exporter': JOBS.postgresExporter, 'elasticsearch-exporter': JOBS.elasticsearchExporter } as const;
type Source = keyof typeof SOURCES;

// ---------------------------------------------------------------------------

const TOOLS: ToolName[] = [
  'prometheus',
  'prometheus-node-exporter',
  'prometheus-redis-exporter',
  'prometheus-postgres-exporter',
  'prometheus-elasticsearch-exporter',
  'redis-server',
  'postgres',
  'initdb',
];

describeWithTools(TOOLS, 'live exporters, scraped and alerted on by our synthesized Prometheus', ([prometheusBin, nodeBin, redisExporterBin, postgresExporterBin, esExporterBin, redisBin, postgresBin, initdbBin]) => {
  const password = { redis: randomBytes(12).toString('hex'), postgres: randomBytes(12).toString('hex') };
  const asRoot = process.getuid?.() === 0;
  let pgUser = { uid: 0, gid: 0 };
  const exporters = new Map<Source, LiveServer>();
  let redis: LiveServer;
  let postgres: LiveServer;
  let prometheus: LiveServer;
  const redisArgs = (port: number) => ['--port', String(port), '--bind', LOOPBACK, '--requirepass', password.redis, '--save', '', '--appendonly', 'no', '--dir', tmp];
  const pgData = join(tmp, 'pgdata');
  const pgSocket = join(tmp, 'pgsocket');
  /** PostgreSQL's programs refuse to run as root: as the postgres user then. */
  const asPostgres = (bin: string, args: string[]): [string, string[]] =>
    asRoot ? ['setpriv', [`--reuid=${pgUser.uid}`, `--regid=${pgUser.gid}`, '--init-groups', '--', bin, ...args]] : [bin, args];
  const postgresArgs = (port: number) => asPostgres(postgresBin, ['-D', pgData, '-k', pgSocket, '-c', `listen_addresses=${LOOPBACK}`, '-p', String(port)]);
  const startRedis = (port?: number) =>
    startServer({ name: 'redis-server', bin: redisBin, args: redisArgs, port, ready: async (s) => tcpOpen(s.port) });
  const startPostgres = (port?: number) =>
    startServer({ name: 'postgres', bin: asRoot ? 'setpriv' : postgresBin, args: (p) => postgresArgs(p)[1], port, ready: async (s) => acceptsConnections(s.port), readyTimeoutMs: 30_000 });
  /**
   * PostgreSQL opens its port before it accepts sessions ("the database system is
   * starting up"): ready is what pg_isready says, not an open port.
   */
  const acceptsConnections = async (port: number): Promise<boolean> => {
    const [bin, args] = asPostgres(join(postgresBin, '..', 'pg_isready'), ['-h', pgSocket, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-q']);
    return new Promise((resolve) => execFile(bin, args, (error) => resolve(!error)));
  };

  const pg = exporterWorkload('postgres-exporter');
  const database = (flagValue: string) => /\/([^?]+)/.exec(flagValue)![1];

  beforeAll(async () => {
    // --- servers
    if (asRoot) {
      pgUser = { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()) };
    }
    for (const d of [pgData, pgSocket]) {
      mkdirSync(d, { recursive: true });
      if (asRoot) chownSync(d, pgUser.uid, pgUser.gid);
    }
    const pwFile = join(tmp, 'pg-superuser-password');
    writeFileSync(pwFile, `${randomBytes(12).toString('hex')}\n`);
    if (asRoot) chownSync(pwFile, pgUser.uid, pgUser.gid);
    // Local socket: trust (the test's setup); TCP, where the exporter connects: a password.
    const [initBin, initArgs] = asPostgres(initdbBin, ['-D', pgData, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwFile}`, '-E', 'UTF8', '--no-sync']);
    const init = spawnSync(initBin, initArgs, { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stdout}\n${init.stderr}`);
    [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);

    // The role and database of the synthesized data source, with the password of the file our manifest points at.
    const env = Object.fromEntries((pg.c.env ?? []).map((v) => [v.name, v.value ?? '']));
    const psql = join(postgresBin, '..', 'psql');
    const sql = [
      `CREATE ROLE ${env.DATA_SOURCE_USER} LOGIN PASSWORD '${password.postgres}'`,
      `GRANT pg_monitor TO ${env.DATA_SOURCE_USER}`,
      `CREATE DATABASE ${database(env.DATA_SOURCE_URI)}`,
    ];
    for (const statement of sql) {
      const [bin, args] = asPostgres(psql, ['-h', pgSocket, '-p', String(postgres.port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', statement]);
      const r = spawnSync(bin, args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`psql ${statement}: ${r.stderr}`);
    }

    // --- exporters, from the synthesized workloads
    const loopback = (port: number) => `${LOOPBACK}:${port}`;
    const probe = (c: Container) => async (s: LiveServer) => (await getText(`${s.url}${c.readinessProbe!.httpGet!.path}`)).status === 200;

    const node = exporterWorkload('node-exporter');
    const hostPathOf = (mountPath: string) => {
      const mount = (node.c.volumeMounts ?? []).find((m) => m.mountPath === mountPath);
      const volume = node.pod.volumes?.find((v) => v.name === mount?.name);
      if (!volume?.hostPath) throw new Error(`node-exporter: ${mountPath} is not a mounted host path`);
      return volume.hostPath.path;
    };
    const nodeArgs = (port: number) => {
      delete REWRITES['node-exporter'];
      let args = replaceFlag('node-exporter', [...(node.c.args ?? [])], '--web.listen-address', loopback(port), 'loopback');
      for (const f of ['--path.procfs', '--path.sysfs', '--path.rootfs']) {
        const host = hostPathOf(flag(args, f)!);
        args = replaceFlag('node-exporter', args, f, host, `${host} (the hostPath its volume mounts)`);
      }
      return args;
    };

    const rx = exporterWorkload('redis-exporter');
    const redisEnv = (port: number) => {
      delete REWRITES['redis-exporter'];
      const addr = `redis://${loopback(redis.port)}`;
      return envMap('redis-exporter', rx.c, {
        REDIS_ADDR: () => ({ value: addr, why: 'the live redis-server' }),
        REDIS_EXPORTER_WEB_LISTEN_ADDRESS: () => ({ value: loopback(port), why: 'loopback' }),
        // The Secret's content in the documented format: a JSON map of Redis URI to password.
        REDIS_PASSWORD_FILE: (path) => ({ value: secretFile('redis-exporter', rx.c, path!, JSON.stringify({ [addr]: password.redis })), why: 'a file with the JSON map {URI: password}' }),
      });
    };

    const pgArgs = (port: number) => {
      delete REWRITES['postgres-exporter'];
      return replaceFlag('postgres-exporter', [...(pg.c.args ?? [])], '--web.listen-address', loopback(port), 'loopback');
    };
    const pgEnv = () => {
      return envMap('postgres-exporter', pg.c, {
        DATA_SOURCE_URI: (uri) => ({ value: `${loopback(postgres.port)}/${database(uri!)}?sslmode=disable`, why: 'the live PostgreSQL, without TLS (it has no certificate)' }),
        DATA_SOURCE_PASS_FILE: (path) => ({ value: secretFile('postgres-exporter', pg.c, path!, `${password.postgres}\n`), why: "a file with the role's password" }),
      });
    };

    const es = exporterWorkload('elasticsearch-exporter');
    const esArgs = (port: number) => {
      delete REWRITES['elasticsearch-exporter'];
      let args = replaceFlag('elasticsearch-exporter', [...(es.c.args ?? [])], '--web.listen-address', loopback(port), 'loopback');
      args = replaceFlag('elasticsearch-exporter', args, '--es.uri', `http://${LOOPBACK}:9`, 'a closed loopback port (no Elasticsearch here)');
      const ca = flag(args, '--es.ca');
      if (ca) args = replaceFlag('elasticsearch-exporter', args, '--es.ca', secretFile('elasticsearch-exporter', es.c, ca, TEST_CA_PEM), 'a test CA file');
      // Debian's 1.5 spells the collector switches --es.<name> and has no ILM collector; v1.11 takes --collector.<name>.
      for (const [ours, debian] of [['--collector.slm', '--es.slm'], ['--collector.ilm', undefined]] as const) {
        expect(args).toContain(ours);
        (REWRITES['elasticsearch-exporter'] ??= []).push(`${ours}: -> ${debian ?? 'dropped'} (Debian's 1.5)`);
        args = args.flatMap((a) => (a === ours ? (debian ? [debian] : []) : [a]));
      }
      return args;
    };
    const esEnv = () =>
      envMap('elasticsearch-exporter', es.c, {
        ES_USERNAME: () => ({ value: 'monitor', why: 'a dummy user (from a Secret in the pod)' }),
        ES_PASSWORD: () => ({ value: 'dummy', why: 'a dummy password (from a Secret in the pod)' }),
      });

    const withEnv = (env: Record<string, string>) => ({ ...process.env, ...env });
    const started = await Promise.all([
      startServer({ name: 'node-exporter', bin: nodeBin, args: nodeArgs, ready: probe(node.c) }),
      startServerWithEnv('redis-exporter', redisExporterBin, (port) => [[], withEnv(redisEnv(port))], probe(rx.c)),
      startServerWithEnv('postgres-exporter', postgresExporterBin, (port) => [pgArgs(port), withEnv(pgEnv())], probe(pg.c)),
      startServerWithEnv('elasticsearch-exporter', esExporterBin, (port) => [esArgs(port), withEnv(esEnv())], probe(es.c)),
    ]);
    (['node-exporter', 'redis-exporter', 'postgres-exporter', 'elasticsearch-exporter'] as const).forEach((s, i) => exporters.set(s, started[i]));

    // --- Prometheus with our config and rules, each exporter job's discovery swapped for its live exporter
    const jobTargets = Object.fromEntries(
      (Object.entries(SOURCES) as [Source, string][]).map(([source, job]) => {
        const { workload, c } = exporterWorkload(source);
        const svc = serviceOf(source);
        const port = svc.spec.ports.find((p) => c.ports?.some((cp) => cp.name === p.targetPort))!;
        const labels: Record<string, string> = {
          __meta_kubernetes_namespace: svc.metadata.namespace,
          __meta_kubernetes_service_name: svc.metadata.name,
          ...Object.fromEntries(Object.entries(svc.metadata.labels).map(([k, v]) => [`__meta_kubernetes_service_label_${sanitizeLabelName(k)}`, v])),
          __meta_kubernetes_endpointslice_port_name: port.name,
          __meta_kubernetes_pod_name: `${workload.metadata.name}-0`,
          __meta_kubernetes_pod_phase: 'Running',
          __meta_kubernetes_pod_container_name: c.name,
          __meta_kubernetes_pod_node_name: 'node-a',
        };
        return [job, { address: exporters.get(source)!.address, labels }];
      }),
    );
    const data = (name: string) => (objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name) as unknown as { data: Record<string, string> }).data;
    const runnable = runnablePrometheus(mkdtempSync(join(tmp, 'prometheus-')), data(PROMETHEUS.configMap)[PROMETHEUS.configFile], data(PROMETHEUS.rulesConfigMap), {
      staticTarget: `${LOOPBACK}:9`,
      jobTargets,
    });
    prometheus = await startServer({ name: 'prometheus', bin: prometheusBin, args: (port) => prometheusArgs(runnable, port), readyTimeoutMs: 30_000 });
  }, 120_000);

  afterAll(async () => {
    await stopServers();
  });

  /** Like startServer, with an environment (the exporters read theirs). */
  function startServerWithEnv(name: string, bin: string, argsEnv: (port: number) => [string[], NodeJS.ProcessEnv], ready: (s: LiveServer) => Promise<boolean>): Promise<LiveServer> {
    // startServer spawns with the test's environment: the exporter's own goes through `env`.
    return startServer({
      name,
      bin: 'env',
      args: (port) => {
        const [args, env] = argsEnv(port);
        const own = Object.entries(env).filter(([k, v]) => process.env[k] !== v);
        return ['-i', `PATH=${process.env.PATH ?? ''}`, ...own.map(([k, v]) => `${k}=${v}`), bin, ...args];
      },
      ready,
    });
  }

  test('each exporter runs with its synthesized flags and environment, changed only where the machine differs', () => {
    expect(Object.keys(REWRITES).filter((k) => k !== 'blackbox-exporter').sort()).toEqual(['elasticsearch-exporter', 'node-exporter', 'postgres-exporter', 'redis-exporter']);
    expect(REWRITES['node-exporter'].map((r) => r.split(':')[0])).toEqual(['--web.listen-address', '--path.procfs', '--path.sysfs', '--path.rootfs']);
    expect(REWRITES['redis-exporter'].map((r) => r.split(':')[0]).sort()).toEqual(['REDIS_ADDR', 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS', 'REDIS_PASSWORD_FILE']);
    expect(REWRITES['postgres-exporter'].map((r) => r.split(':')[0]).sort()).toEqual(['--web.listen-address', 'DATA_SOURCE_PASS_FILE', 'DATA_SOURCE_URI']);
  });

  test('Prometheus scrapes every exporter through our scrape config and relabelling', async () => {
    type Targets = { data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] } };
    const jobs = Object.values(SOURCES) as string[];
    const result = await pollUntil(
      () => getJson<Targets>(`${prometheus.url}/api/v1/targets?state=active`),
      (t) => jobs.every((job) => t.data.activeTargets.some((a) => a.labels.job === job && a.health === 'up')),
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    for (const job of jobs) {
      const target = result.data.activeTargets.find((a) => a.labels.job === job);
      expect([job, target?.health, target?.lastError]).toEqual([job, 'up', '']);
      // The target labels of the catalog, set by our relabelling from the discovery labels.
      expect([job, Object.keys(target!.labels).sort()]).toEqual([job, ['container', 'instance', 'job', 'namespace', 'node', 'pod', 'service']]);
    }
  }, 70_000);

  test('the servers are reachable through the exporters: they log in with the Secret files our manifests point at', async () => {
    const up = async (source: Source, metric: string) => parseMetricValue((await getText(`${exporters.get(source)!.url}/metrics`)).text, metric);
    expect(await up('redis-exporter', 'redis_up')).toBe(1);
    expect(await up('postgres-exporter', 'pg_up')).toBe(1);
    // No Elasticsearch here: the exporter runs and says so.
    expect(await up('elasticsearch-exporter', 'elasticsearch_cluster_health_up')).toBe(0);
  });

  test('every exporter metric and label of the catalog is in the real output (known differences listed)', async () => {
    const problems: string[] = [];
    const skipped: string[] = [];
    for (const source of Object.keys(SOURCES) as Source[]) {
      const exposition = parseExposition((await getText(`${exporters.get(source)!.url}/metrics`)).text);
      for (const def of Object.values(METRICS as Record<string, MetricDef>).filter((d) => d.source === source)) {
        if (KNOWN_ABSENT[def.name]) {
          skipped.push(def.name);
          continue;
        }
        const series = seriesNames(def).filter((s) => exposition.has(s));
        if (!series.length) {
          problems.push(`${source}: no ${def.name}`);
          continue;
        }
        const seen = new Set(series.flatMap((s) => [...exposition.get(s)!]));
        const missing = def.labels.filter((l) => !seen.has(l) && !KNOWN_MISSING_LABELS[def.name]?.labels.includes(l));
        if (missing.length) problems.push(`${source}: ${def.name} lacks ${missing.join(', ')} (has ${[...seen].join(', ')})`);
      }
    }
    expect(problems).toEqual([]);
    // What cannot be checked here is exactly the Elasticsearch cluster series.
    expect(skipped.every((m) => m.startsWith('elasticsearch_'))).toBe(true);
  });

  test('every rule of our rules evaluates without error against the live series', async () => {
    type Rules = { data: { groups: { name: string; rules: { name: string; health: string; lastError?: string; lastEvaluation: string }[] }[] } };
    const evaluated = (r: Rules) => r.data.groups.every((g) => g.rules.every((rule) => !rule.lastEvaluation.startsWith('0001-')));
    const rules = await pollUntil(() => getJson<Rules>(`${prometheus.url}/api/v1/rules`), evaluated, { timeoutMs: 45_000, intervalMs: 1000 });
    expect(evaluated(rules)).toBe(true);
    const unhealthy = rules.data.groups.flatMap((g) => g.rules.filter((r) => r.health !== 'ok').map((r) => `${g.name}/${r.name}: ${r.health} ${r.lastError ?? ''}`));
    expect(unhealthy).toEqual([]);
    expect(rules.data.groups.flatMap((g) => g.rules.map((r) => r.name))).toEqual(expect.arrayContaining([ALERTS.RedisDown, ALERTS.PostgreSQLDown]));
  }, 60_000);

  test('RedisDown and PostgreSQLDown fire after their servers stop and resolve after they are back', async () => {
    type Alerts = { data: { alerts: { labels: Record<string, string>; state: string }[] } };
    const WATCHED = [ALERTS.RedisDown, ALERTS.PostgreSQLDown] as string[];
    const states = async () => {
      const a = await getJson<Alerts>(`${prometheus.url}/api/v1/alerts`);
      return Object.fromEntries(WATCHED.map((name) => [name, a.data.alerts.find((x) => x.labels.alertname === name)?.state ?? 'inactive']));
    };
    const allInactive = { [ALERTS.RedisDown]: 'inactive', [ALERTS.PostgreSQLDown]: 'inactive' };
    expect(await states()).toEqual(allInactive);

    const ports = { redis: redis.port, postgres: postgres.port };
    await Promise.all([stopServer(redis), stopServer(postgres)]);
    const firing = await pollUntil(states, (s) => WATCHED.every((n) => s[n] === 'firing'), { timeoutMs: 150_000, intervalMs: 2000 });
    expect(firing).toEqual({ [ALERTS.RedisDown]: 'firing', [ALERTS.PostgreSQLDown]: 'firing' });

    [redis, postgres] = await Promise.all([startRedis(ports.redis), startPostgres(ports.postgres)]);
    const resolved = await pollUntil(states, (s) => WATCHED.every((n) => s[n] === 'inactive'), { timeoutMs: 90_000, intervalMs: 2000 });
    expect(resolved).toEqual(allInactive);
  }, 300_000);
});

/**
 * The blackbox exporter (Debian's 0.23) with our synthesized module config
 * and flags, asked the way our probe job asks it (its `module` parameter, the
 * probed URL as `target`), against a small local HTTP server standing in for
 * Kibana's /api/status: probe_success 1 while it answers 200, 0 once it stops.
 */
describeWithTools(['prometheus-blackbox-exporter'], 'live blackbox exporter with our module config', ([blackboxBin]) => {
  let blackbox: LiveServer;
  let kibana: Server;
  let kibanaUrl: string;
  const probeJob = () => {
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === PROMETHEUS.configMap) as unknown as { data: Record<string, string> };
    const config = yaml.load(cm.data[PROMETHEUS.configFile]) as { scrape_configs: ScrapeConfig[] };
    return config.scrape_configs.find((sc) => sc.job_name === JOBS.blackboxProbe)!;
  };

  beforeAll(async () => {
    kibana = createServer((req, res) => {
      res.writeHead(req.url === '/api/status' ? 200 : 404, { 'content-type': 'application/json' });
      res.end('{"status":{"overall":{"level":"available"}}}');
    });
    await new Promise<void>((resolve) => kibana.listen(0, LOOPBACK, resolve));
    kibanaUrl = `http://${LOOPBACK}:${(kibana.address() as { port: number }).port}/api/status`;
    const { c } = exporterWorkload('blackbox-exporter');
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'blackbox-exporter-config') as unknown as { data: Record<string, string> };
    const configFile = flag(c.args ?? [], '--config.file')!;
    const local = secretFile('blackbox-exporter', c, configFile, cm.data['blackbox.yml']);
    blackbox = await startServer({
      name: 'blackbox-exporter',
      bin: blackboxBin,
      args: (port) => {
        let args = replaceFlag('blackbox-exporter', [...(c.args ?? [])], '--web.listen-address', `${LOOPBACK}:${port}`, 'loopback');
        args = replaceFlag('blackbox-exporter', args, '--config.file', local, 'the ConfigMap file written here');
        return args;
      },
      ready: async (s) => (await getText(`${s.url}${c.readinessProbe!.httpGet!.path}`).catch(() => ({ status: 0 }))).status === 200,
    });
  }, 30_000);

  afterAll(async () => {
    await stopServer(blackbox);
    if (kibana.listening) await new Promise((resolve) => kibana.close(resolve));
  });

  const probe = async (target: string) => {
    const job = probeJob();
    const params = new URLSearchParams({ ...Object.fromEntries(Object.entries(job.params!).map(([k, v]) => [k, v[0]])), target });
    const res = await getText(`${blackbox.url}${job.metrics_path}?${params}`);
    expect(res.status).toBe(200);
    return { success: parseMetricValue(res.text, 'probe_success'), exposition: parseExposition(res.text) };
  };

  test('our probe job names a module our config defines, and the probe metrics of the catalog are in its output', async () => {
    const { exposition } = await probe(kibanaUrl);
    for (const def of Object.values(METRICS as Record<string, MetricDef>).filter((d) => d.source === 'blackbox-exporter')) {
      expect([def.name, exposition.has(def.name)]).toEqual([def.name, true]);
    }
  });

  test('probe_success is 1 while the endpoint answers 200 and 0 once it is gone', async () => {
    expect((await probe(kibanaUrl)).success).toBe(1);
    expect((await probe(kibanaUrl.replace('/api/status', '/missing'))).success).toBe(0);
    await new Promise((resolve) => kibana.close(resolve));
    expect((await probe(kibanaUrl)).success).toBe(0);
  }, 30_000);
});

/** The value of an unlabelled sample (`name 1`), or of the first series of that name. */
function parseMetricValue(text: string, metric: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${metric} `) || l.startsWith(`${metric}{`));
  return line ? Number(line.trim().split(/\s+/).pop()) : undefined;
}
