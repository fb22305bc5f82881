/**
 * Scrape job names, declared once: the scrape configuration, the ServiceMonitors,
 * alert rules (`up{job="..."}`) and dashboards all refer to these.
 */
export const JOBS = {
  pynomalyApi: 'pynomaly-api',
  prometheus: 'prometheus',
  alertmanager: 'alertmanager',
  grafana: 'grafana',
  nodeExporter: 'node-exporter',
  redisExporter: 'redis-exporter',
  postgresExporter: 'postgres-exporter',
  elasticsearchExporter: 'elasticsearch-exporter',
  jaeger: 'jaeger',
  logstash: 'logstash',
  /** The blackbox exporter's own metrics. */
  blackboxExporter: 'blackbox-exporter',
  /** What the blackbox exporter probes (/probe): one target per probed URL. */
  blackboxProbe: 'blackbox',
  kubelet: 'kubelet',
  cadvisor: 'cadvisor',
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];
