/**
 * Every alert name the stack defines, declared once: the rules use them, the
 * values schema offers them to `rules.disabled` (so a typo there is an error,
 * not a silently ignored switch), and the promtool cases refer to them.
 * Warning/critical twins share one name (see lib/catalog/alerting.ts).
 */
import { WATCHDOG_ALERT } from '../catalog/alerting';

export const ALERTS = {
  // application
  PynomalyHighErrorRate: 'PynomalyHighErrorRate',
  PynomalyHighResponseTime: 'PynomalyHighResponseTime',
  PynomalyHighMemoryUsage: 'PynomalyHighMemoryUsage',
  PynomalyHighCpuUsage: 'PynomalyHighCpuUsage',
  PynomalyHighDetectionFailureRate: 'PynomalyHighDetectionFailureRate',
  PynomalyTrainingFailures: 'PynomalyTrainingFailures',
  PynomalyDatabaseConnectionIssues: 'PynomalyDatabaseConnectionIssues',
  PynomalyLowCacheHitRate: 'PynomalyLowCacheHitRate',
  PynomalyApiAbsent: 'PynomalyApiAbsent',
  // every category (one rule per category, by scrape job)
  ServiceDown: 'ServiceDown',
  // infrastructure
  HostHighCpuUsage: 'HostHighCpuUsage',
  HostHighDiskUsage: 'HostHighDiskUsage',
  RedisDown: 'RedisDown',
  PostgreSQLDown: 'PostgreSQLDown',
  ElasticsearchClusterNotHealthy: 'ElasticsearchClusterNotHealthy',
  ElasticsearchHighPendingTasks: 'ElasticsearchHighPendingTasks',
  ElasticsearchUnreachable: 'ElasticsearchUnreachable',
  ElasticsearchDiskWatermark: 'ElasticsearchDiskWatermark',
  ElasticsearchIlmErrors: 'ElasticsearchIlmErrors',
  LogstashDown: 'LogstashDown',
  KibanaDown: 'KibanaDown',
  ElasticsearchSnapshotFailures: 'ElasticsearchSnapshotFailures',
  // monitoring of the monitoring
  Watchdog: WATCHDOG_ALERT,
  PrometheusConfigReloadFailed: 'PrometheusConfigReloadFailed',
  AlertmanagerConfigReloadFailed: 'AlertmanagerConfigReloadFailed',
  PrometheusRuleEvaluationFailures: 'PrometheusRuleEvaluationFailures',
  PrometheusErrorSendingAlerts: 'PrometheusErrorSendingAlerts',
  PrometheusNotConnectedToAlertmanagers: 'PrometheusNotConnectedToAlertmanagers',
  AlertmanagerNotificationsFailing: 'AlertmanagerNotificationsFailing',
  ScrapeTargetDown: 'ScrapeTargetDown',
  // changes (info)
  PynomalyDeployed: 'PynomalyDeployed',
  MonitoringComponentRestarted: 'MonitoringComponentRestarted',
  PrometheusConfigChanged: 'PrometheusConfigChanged',
  AlertmanagerConfigChanged: 'AlertmanagerConfigChanged',
} as const;

export type AlertName = (typeof ALERTS)[keyof typeof ALERTS];

export const ALERT_NAMES = Object.values(ALERTS) as [AlertName, ...AlertName[]];
