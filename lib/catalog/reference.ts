/**
 * dist/metrics.md: the metrics reference, generated from the catalog, so the
 * README can point at a page of the repository (the metrics the rules and
 * dashboards may use, who exports them, and their labels).
 */
import { METRICS, MetricDef, MetricSource, TARGET_LABELS } from './index';

const SOURCE_TITLES: Readonly<Record<MetricSource, string>> = {
  pynomaly: 'Pynomaly API (MetricsCollector)',
  'fastapi-instrumentator': 'Pynomaly API (FastAPI instrumentator defaults)',
  process: 'Pynomaly API (process metrics)',
  prometheus: 'Prometheus',
  alertmanager: 'Alertmanager',
  grafana: 'Grafana',
  'node-exporter': 'node-exporter',
  'redis-exporter': 'redis-exporter',
  'postgres-exporter': 'postgres-exporter',
  'elasticsearch-exporter': 'elasticsearch-exporter',
  'logstash-exporter': 'Logstash (kuskoman/logstash-exporter sidecar)',
  'blackbox-exporter': 'blackbox exporter (probes of Kibana; instance: the probed URL, service: the component)',
  cadvisor: 'cAdvisor (kubelet)',
  kubelet: 'kubelet',
  jaeger: 'Jaeger',
};

export function metricsReferenceMarkdown(): string {
  const bySource = new Map<MetricSource, MetricDef[]>();
  for (const def of Object.values(METRICS) as MetricDef[]) bySource.set(def.source, [...(bySource.get(def.source) ?? []), def]);
  const lines = [
    '# Metrics reference',
    '',
    'Generated from the metric catalog (`lib/catalog/index.ts`) by `npm run synth`: every metric an alert rule or a',
    'dashboard of this stack may name. A test parses every rule and dashboard query and fails on a metric or label',
    'that is not listed here.',
    '',
    `Every scraped series also carries the target labels ${TARGET_LABELS.map((l) => `\`${l}\``).join(', ')}.`,
  ];
  for (const [source, defs] of bySource) {
    lines.push('', `## ${SOURCE_TITLES[source]}`, '', '| metric | type | labels | meaning |', '|---|---|---|---|');
    for (const d of defs) lines.push(`| \`${d.name}\` | ${d.type} | ${d.labels.map((l) => `\`${l}\``).join(', ') || '-'} | ${d.help} |`);
  }
  return lines.join('\n') + '\n';
}
