/**
 * prometheus.yml: global settings, Alertmanagers, rule files and the scrape
 * configs rendered from the target declarations.
 */
import { PROMETHEUS } from './constants';
import { RemoteWriteConfig, remoteWriteConfigs } from './remote-write';
import { checkKubernetesSd, checkRelabel } from './kubernetes-sd';
import { ScrapeConfig, scrapeConfig } from './scrape-config';
import { ScrapeTarget } from './targets';
import type { PrometheusValues } from './values';

export interface AlertmanagerConfig {
  readonly api_version: 'v2';
  readonly scheme: 'http';
  readonly static_configs: readonly { readonly targets: readonly string[] }[];
}

export interface PrometheusConfig {
  readonly global: {
    readonly scrape_interval: string;
    readonly scrape_timeout: string;
    readonly evaluation_interval: string;
    readonly external_labels: Readonly<Record<string, string>>;
  };
  readonly alerting?: { readonly alertmanagers: readonly AlertmanagerConfig[] };
  readonly rule_files: readonly string[];
  readonly scrape_configs: readonly ScrapeConfig[];
  readonly remote_write?: readonly RemoteWriteConfig[];
}

/** What prometheus.yml is made of besides Prometheus' own values. */
export interface PrometheusConfigInputs {
  readonly externalLabels: Readonly<Record<string, string>>;
  /** `host:port` of every Alertmanager replica; empty: no alerting block. */
  readonly alertmanagers: readonly string[];
  readonly targets: readonly ScrapeTarget[];
}

export function prometheusConfig(v: PrometheusValues, inputs: PrometheusConfigInputs): PrometheusConfig {
  return {
    global: {
      scrape_interval: v.scrapeInterval,
      scrape_timeout: v.scrapeTimeout,
      evaluation_interval: v.evaluationInterval,
      external_labels: { ...inputs.externalLabels },
    },
    ...(inputs.alertmanagers.length
      ? {
          alerting: {
            alertmanagers: [
              {
                api_version: 'v2',
                scheme: 'http',
                // Every replica, not the load-balanced Service: each alert must reach all of them.
                static_configs: [{ targets: [...inputs.alertmanagers] }],
              },
            ],
          },
        }
      : {}),
    rule_files: [`${PROMETHEUS.rulesDir}/*${PROMETHEUS.ruleFileSuffix}`],
    scrape_configs: inputs.targets.map(scrapeConfig),
    ...(v.remoteWrite.length ? { remote_write: remoteWriteConfigs(v) } : {}),
  };
}

/** Problems of a rendered config that promtool cannot see (service discovery) or that we forbid. */
export function checkPrometheusConfig(config: PrometheusConfig): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const sc of config.scrape_configs) {
    if (seen.has(sc.job_name)) errors.push(`job ${sc.job_name} is declared twice`);
    seen.add(sc.job_name);
    if (sc.static_configs) {
      // Static targets (probed URLs): the relabel rules are checked without meta labels.
      if (sc.kubernetes_sd_configs?.length) errors.push(`job ${sc.job_name} mixes static and Kubernetes targets`);
      sc.relabel_configs.forEach((r, i) => errors.push(...checkRelabel(r, [], `scrape_configs[${sc.job_name}]: relabel_configs[${i}]`)));
      continue;
    }
    errors.push(...checkKubernetesSd(sc, `scrape_configs[${sc.job_name}]`));
  }
  return errors;
}
