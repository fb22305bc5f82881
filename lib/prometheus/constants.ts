import { ContainerPort } from '../core/workload';

/** Facts about Prometheus other components reference (Grafana's datasource, scrape jobs). */
export const PROMETHEUS = {
  name: 'prometheus',
  component: 'metrics',
  port: { name: 'http-web', port: 9090 } satisfies ContainerPort,
  /** UID/GID of the `nobody` user the official image runs as. */
  uid: 65534,
  configMap: 'prometheus-config',
  rulesConfigMap: 'prometheus-rules',
  /** Name of the configuration file in the config ConfigMap. */
  configFile: 'prometheus.yml',
  /**
   * The config and rules ConfigMaps are mounted side by side, never one inside
   * the other: a mount point inside a read-only ConfigMap volume cannot be created.
   */
  configDir: '/etc/prometheus/config',
  rulesDir: '/etc/prometheus/rules',
  /** Rule files must end in this to be loaded (`rule_files` glob). */
  ruleFileSuffix: '.yaml',
  dataDir: '/prometheus',
  /** Each remote_write endpoint's Secret is mounted in its own folder below this one. */
  secretsDir: '/etc/prometheus/secrets',
} as const;

/** The config-reloader sidecar: watches the mounted config and rules, POSTs /-/reload. */
export const CONFIG_RELOADER = {
  name: 'config-reloader',
  port: { name: 'reloader-web', port: 8080 } satisfies ContainerPort,
} as const;

/** Where Kubernetes mounts the pod's ServiceAccount credentials (used to scrape the kubelet). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
