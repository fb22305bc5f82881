/**
 * Runnable copies of the synthesized Alertmanager and Prometheus configs for
 * the real servers on this machine, changed only where the machine differs
 * from the pod:
 * - absolute paths (templates, rule files, `*_file` credentials) point into a
 *   temporary folder holding the ConfigMap's files and dummy credential files;
 * - Prometheus: `kubernetes_sd_configs` blocks (Debian's build has no
 *   Kubernetes SD, and there is no cluster) become static loopback targets,
 *   and the Alertmanagers are the live one on loopback (or none);
 * - Alertmanager: every notification endpoint (receiver URLs, the global
 *   PagerDuty/Slack/Opsgenie URLs, the SMTP smarthost) is the closed discard
 *   port on loopback, so no test ever sends a packet off this machine; a
 *   webhook's `url_file` (0.26+, unknown to Debian's 0.25) becomes that `url`.
 * Everything else (routes, receiver names, inhibitions, scrape and relabel
 * settings, rule groups, intervals, external labels) is what we ship.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import * as yaml from 'js-yaml';
import { ALERTMANAGER } from '../../lib/alertmanager/constants';
import { PROMETHEUS } from '../../lib/prometheus/constants';

type Tree = Record<string, unknown>;

/**
 * A self-signed CA certificate, only so that `tls_config.ca_file` holds a
 * parsable PEM: Prometheus refuses to build a scrape pool whose CA file is
 * not one ("unable to use specified CA cert"). Public data; no key exists.
 */
export const TEST_CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBzjCCAXWgAwIBAgIUWTJhOB4oFdDKbDsKT/0Km3st3MYwCgYIKoZIzj0EAwIw
PDE6MDgGA1UEAwwxcHlub21hbHktbW9uaXRvcmluZyB0ZXN0IENBIChubyBwcml2
YXRlIGtleSBrZXB0KTAgFw0yNjExMjQwNDQwMjlaGA8yMTI2MTAzMTA0NDAyOVow
PDE6MDgGA1UEAwwxcHlub21hbHktbW9uaXRvcmluZyB0ZXN0IENBIChubyBwcml2
YXRlIGtleSBrZXB0KTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABDqxN2fM57ya
STmFd/RBBODjMD7KUyp6NSZUvjcexPyZjyk0IIrDRmJuPFLch1LQbQVYF1wje5k5
C2Vw204SRtijUzBRMB0GA1UdDgQWBBT0NU7VGxv4B7S7EpCRoi6V/GZeazAfBgNV
HSMEGDAWgBT0NU7VGxv4B7S7EpCRoi6V/GZeazAPBgNVHRMBAf8EBTADAQH/MAoG
CCqGSM49BAMCA0cAMEQCICrw6ygyUnU2BJh+3Y2B+DfV/lEwsRCYyZ+GTviAI7eE
AiABiPlGYpViGE6oQeKpbwBg7lvgWqogAgLh0K+KKv0ONw==
-----END CERTIFICATE-----
`;

/** Moves `path` (absolute, below `fromRoot`) to the same relative place below `toRoot`. */
function relocate(path: string, fromRoot: string, toRoot: string): string {
  const rel = relative(fromRoot, path);
  if (rel.startsWith('..') || rel === '') throw new Error(`${path} is not below ${fromRoot}: the test does not know where to put it`);
  return join(toRoot, rel);
}

/**
 * Replaces every `*_file` path with a dummy file under `filesDir` (mirroring
 * the original path), a CA file with TEST_CA_PEM. Returns the dummy files.
 */
function dummyCredentialFiles(node: unknown, filesDir: string): string[] {
  const created: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (typeof n !== 'object' || n === null) return;
    const obj = n as Tree;
    for (const [key, value] of Object.entries(obj)) {
      if (key.endsWith('_file') && typeof value === 'string' && value.startsWith('/')) {
        const dummy = join(filesDir, value);
        mkdirSync(dirname(dummy), { recursive: true });
        writeFileSync(dummy, key === 'ca_file' ? TEST_CA_PEM : key === 'api_url_file' ? `${LOOPBACK_SINK}/${basename(value)}\n` : `dummy-${basename(value)}\n`);
        obj[key] = dummy;
        created.push(dummy);
      } else {
        walk(value);
      }
    }
  };
  walk(node);
  return created;
}

/**
 * Where a live test's notifications go: the discard port on loopback, where
 * nothing listens, so every send fails at once and no packet leaves the machine
 * (receivers name real services: PagerDuty, Slack, an Opsgenie heartbeat, SMTP).
 */
export const LOOPBACK_SINK = 'http://127.0.0.1:9';

/** Points every notification endpoint of an Alertmanager config at LOOPBACK_SINK (routing untouched). */
function confineToLoopback(config: Tree): void {
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (typeof n !== 'object' || n === null) return;
    const obj = n as Tree;
    for (const [key, value] of Object.entries(obj)) {
      if (typeof value === 'string' && (key === 'url' || key === 'api_url' || key.endsWith('_url')) && /^https?:\/\//.test(value)) {
        obj[key] = `${LOOPBACK_SINK}/${key}`;
      } else if (key === 'smarthost' && typeof value === 'string') {
        obj[key] = '127.0.0.1:9';
      } else {
        walk(value);
      }
    }
  };
  walk(config);
  // Integrations whose endpoint defaults from `global` (PagerDuty's events API, ...).
  config.global = { ...((config.global as Tree | undefined) ?? {}), pagerduty_url: `${LOOPBACK_SINK}/pagerduty`, opsgenie_api_url: `${LOOPBACK_SINK}/opsgenie`, slack_api_url: `${LOOPBACK_SINK}/slack` };
}

const dump = (config: Tree) => yaml.dump(config, { lineWidth: -1, noRefs: true });

/**
 * Debian's Alertmanager and amtool are 0.25, older than the webhook's
 * `url_file` (0.26+, which the image we deploy has): each `url_file` becomes
 * `url: <url>`, the only change. Returns the `url_file` paths swapped, so a
 * test can say the copy really differed there (and where).
 */
export function swapUrlFiles(config: Tree, url: string): string[] {
  const swapped: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (typeof n !== 'object' || n === null) return;
    const obj = n as Tree;
    if (typeof obj.url_file === 'string') {
      swapped.push(obj.url_file);
      delete obj.url_file;
      obj.url = url;
    }
    Object.values(obj).forEach(walk);
  };
  walk(config);
  return swapped;
}

// ---------------------------------------------------------------------------

export interface RunnableAlertmanager {
  readonly configFile: string;
  readonly storageDir: string;
  /** The config as written (after the path rewrite). */
  readonly config: Tree;
  readonly credentialFiles: readonly string[];
}

/**
 * Writes the alertmanager-config ConfigMap (`data`: alertmanager.yml and the
 * templates) into `dir`: templates next to the config as in the pod, the
 * `templates:` globs and credential paths rewritten into `dir`.
 */
export function runnableAlertmanager(dir: string, data: Readonly<Record<string, string>>): RunnableAlertmanager {
  const configDir = join(dir, 'config');
  const storageDir = join(dir, 'data');
  mkdirSync(configDir, { recursive: true });
  mkdirSync(storageDir, { recursive: true });
  const config = yaml.load(data[ALERTMANAGER.configFile]) as Tree;
  for (const [name, content] of Object.entries(data)) if (name !== ALERTMANAGER.configFile) writeFileSync(join(configDir, name), content);
  config.templates = ((config.templates as string[] | undefined) ?? []).map((glob) => relocate(glob, ALERTMANAGER.configDir, configDir));
  swapUrlFiles(config, `${LOOPBACK_SINK}/url_file`);
  const credentialFiles = dummyCredentialFiles(config, join(dir, 'files'));
  confineToLoopback(config);
  const configFile = join(configDir, ALERTMANAGER.configFile);
  writeFileSync(configFile, dump(config));
  return { configFile, storageDir, config, credentialFiles };
}

/** The command line of `prometheus-alertmanager` for a runnable copy: loopback only, no gossip mesh. */
export function alertmanagerArgs(am: RunnableAlertmanager, port: number): string[] {
  return [
    `--config.file=${am.configFile}`,
    `--storage.path=${am.storageDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // Empty disables clustering: no gossip listener, no peers to wait for.
    '--cluster.listen-address=',
  ];
}

// ---------------------------------------------------------------------------

export interface RunnablePrometheus {
  readonly configFile: string;
  readonly storageDir: string;
  readonly config: Tree;
  /** How many kubernetes_sd_configs blocks became static targets. */
  readonly swappedSd: number;
  readonly ruleFiles: readonly string[];
}

export interface PrometheusRewrite {
  /** `host:port` every swapped SD block scrapes instead (a loopback address). */
  readonly staticTarget: string;
  /**
   * Per job: the static target (address and the discovery meta labels a real
   * endpoint would carry, so the job's own relabelling keeps it) that replaces
   * the job's SD block instead of `staticTarget`.
   */
  readonly jobTargets?: Readonly<Record<string, { address: string; labels: Readonly<Record<string, string>> }>>;
  /** `host:port` of a live Alertmanager; without it the alerting block is dropped. */
  readonly alertmanager?: string;
}

/**
 * Writes prometheus.yml and the rule files of the prometheus-rules ConfigMap
 * into `dir`, changed only as the module comment says.
 */
export function runnablePrometheus(dir: string, configYaml: string, rules: Readonly<Record<string, string>>, rewrite: PrometheusRewrite): RunnablePrometheus {
  const rulesDir = join(dir, 'rules');
  const configDir = join(dir, 'config');
  const storageDir = join(dir, 'data');
  for (const d of [rulesDir, configDir, storageDir]) mkdirSync(d, { recursive: true });
  const config = yaml.load(configYaml) as Tree;

  const alerting = config.alerting as { alertmanagers?: Tree[] } | undefined;
  if (rewrite.alertmanager && alerting?.alertmanagers) {
    for (const am of alerting.alertmanagers) {
      delete am.kubernetes_sd_configs;
      am.static_configs = [{ targets: [rewrite.alertmanager] }];
    }
  } else {
    delete config.alerting;
  }

  let swappedSd = 0;
  const swap = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(swap);
    if (typeof node !== 'object' || node === null) return;
    const obj = node as Tree;
    if ('kubernetes_sd_configs' in obj) {
      delete obj.kubernetes_sd_configs;
      obj.static_configs = [{ targets: [rewrite.staticTarget] }];
      swappedSd++;
    }
    Object.values(obj).forEach(swap);
  };
  for (const sc of (config.scrape_configs as Tree[] | undefined) ?? []) {
    const own = rewrite.jobTargets?.[String(sc.job_name)];
    if (own && 'kubernetes_sd_configs' in sc) {
      delete sc.kubernetes_sd_configs;
      sc.static_configs = [{ targets: [own.address], labels: { ...own.labels } }];
      swappedSd++;
    }
  }
  swap(config.scrape_configs);
  dummyCredentialFiles(config, join(dir, 'files'));

  config.rule_files = ((config.rule_files as string[] | undefined) ?? []).map((glob) => relocate(glob, PROMETHEUS.rulesDir, rulesDir));
  const ruleFiles = Object.entries(rules).map(([name, content]) => {
    const file = join(rulesDir, name);
    writeFileSync(file, content);
    return file;
  });
  const configFile = join(configDir, PROMETHEUS.configFile);
  writeFileSync(configFile, dump(config));
  return { configFile, storageDir, config, swappedSd, ruleFiles };
}

/** The command line of `prometheus` for a runnable copy, loopback only. */
export function prometheusArgs(p: RunnablePrometheus, port: number, extra: readonly string[] = []): string[] {
  return [`--config.file=${p.configFile}`, `--storage.tsdb.path=${p.storageDir}`, `--web.listen-address=127.0.0.1:${port}`, ...extra];
}
