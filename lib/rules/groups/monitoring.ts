/**
 * Monitoring of the monitoring: the always-firing Watchdog (a dead man's
 * switch), configuration reloads, rule evaluation, notifications, scrape
 * targets.
 */
import { WATCHDOG_ALERT } from '../../catalog/alerting';
import { M } from '../../catalog';
import { ALL_JOBS, SERVICES } from '../jobs';
import type { AlertRule } from '../model';
import { ALERTS } from '../names';
import { by, increase, maxOverTime, notRe, oneOf, rate, ratio, sel } from '../../catalog/promql';
import type { RulesValues } from '../values';
import { serviceDown } from './common';

export interface MonitoringOptions {
  /** Whether our Alertmanager is deployed: only then is "no Alertmanager" a problem. */
  readonly alertmanagerDeployed: boolean;
}

export function monitoringRules(v: RulesValues, opts: MonitoringOptions): AlertRule[] {
  return [
    watchdog(),
    configReloadFailed('prometheus'),
    configReloadFailed('alertmanager'),
    ruleEvaluationFailures(),
    errorSendingAlerts(v),
    ...(opts.alertmanagerDeployed ? [notConnectedToAlertmanagers()] : []),
    alertmanagerNotificationsFailing(v),
    scrapeTargetDown(),
    serviceDown('monitoring'),
  ];
}

/**
 * Always firing, so its absence at the receiving end proves the pipeline
 * (Prometheus -> Alertmanager -> receiver) is broken. Severity `info` (one of
 * the contract's SEVERITIES): Alertmanager must route `alertname=Watchdog` to
 * a heartbeat/null receiver BEFORE the severity routes, see
 * WATCHDOG_ALERT in lib/catalog/alerting.ts.
 */
function watchdog(): AlertRule {
  return {
    name: ALERTS.Watchdog,
    expr: 'vector(1)',
    severity: 'info',
    category: 'monitoring',
    service: SERVICES.prometheus,
    threshold: 'always',
    summary: 'Alerting pipeline heartbeat',
    description: `This alert always fires. Route ${WATCHDOG_ALERT} to a heartbeat (dead man's switch) receiver: when it stops arriving, Prometheus or the Alertmanager is broken.`,
  };
}

function configReloadFailed(component: 'prometheus' | 'alertmanager'): AlertRule {
  const isPrometheus = component === 'prometheus';
  const metric = isPrometheus ? M.prometheus_config_last_reload_successful : M.alertmanager_config_last_reload_successful;
  const display = isPrometheus ? 'Prometheus' : 'Alertmanager';
  return {
    name: isPrometheus ? ALERTS.PrometheusConfigReloadFailed : ALERTS.AlertmanagerConfigReloadFailed,
    expr: `${maxOverTime(sel(metric), '5m')} == 0`,
    for: '10m',
    severity: 'warning',
    category: 'monitoring',
    service: isPrometheus ? SERVICES.prometheus : SERVICES.alertmanager,
    threshold: 'last reload failed',
    summary: `${display} {{ $labels.instance }} failed to reload its configuration`,
    description: `The last configuration reload of ${display} {{ $labels.instance }} failed and has not succeeded since (10 minutes): it still runs the previous configuration, and the next restart will fail.`,
  };
}

function ruleEvaluationFailures(): AlertRule {
  return {
    name: ALERTS.PrometheusRuleEvaluationFailures,
    expr: `${by('sum', ['namespace', 'job', 'instance', 'rule_group'], increase(sel(M.prometheus_rule_evaluation_failures_total), '5m'))} > 0`,
    for: '5m',
    severity: 'warning',
    category: 'monitoring',
    service: SERVICES.prometheus,
    threshold: '> 0 in 5m',
    summary: 'Prometheus {{ $labels.instance }} fails to evaluate rules',
    description: 'Prometheus {{ $labels.instance }} failed {{ $value | humanize }} rule evaluations of group {{ $labels.rule_group }} in the last 5 minutes: alerts of that group may be missed.',
  };
}

function errorSendingAlerts(v: RulesValues): AlertRule {
  const keys = ['namespace', 'job', 'instance', 'alertmanager'];
  const errors = by('sum', keys, rate(sel(M.prometheus_notifications_errors_total), '5m'));
  const sent = by('sum', keys, rate(sel(M.prometheus_notifications_sent_total), '5m'));
  const percent = v.thresholds.notificationFailurePercent;
  return {
    name: ALERTS.PrometheusErrorSendingAlerts,
    expr: `${errors}\n/\n${sent}\n> ${ratio(percent)}`,
    for: '15m',
    severity: 'warning',
    category: 'monitoring',
    service: SERVICES.prometheus,
    threshold: `> ${percent} % errors`,
    summary: 'Prometheus {{ $labels.instance }} fails to send alerts to {{ $labels.alertmanager }}',
    description: `{{ $value | humanizePercentage }} of the alerts Prometheus {{ $labels.instance }} sent to {{ $labels.alertmanager }} failed over 5 minutes (above ${percent} %) for 15 minutes.`,
  };
}

function notConnectedToAlertmanagers(): AlertRule {
  return {
    name: ALERTS.PrometheusNotConnectedToAlertmanagers,
    expr: `${maxOverTime(sel(M.prometheus_notifications_alertmanagers_discovered), '5m')} < 1`,
    for: '10m',
    severity: 'warning',
    category: 'monitoring',
    service: SERVICES.prometheus,
    threshold: '< 1 Alertmanager',
    summary: 'Prometheus {{ $labels.instance }} is connected to no Alertmanager',
    description: 'Prometheus {{ $labels.instance }} has discovered no Alertmanager for 10 minutes: no alert is delivered (check its alerting configuration and the Alertmanager Service).',
  };
}

function alertmanagerNotificationsFailing(v: RulesValues): AlertRule {
  const keys = ['namespace', 'job', 'instance', 'integration'];
  const failed = by('sum', keys, rate(sel(M.alertmanager_notifications_failed_total), '5m'));
  const all = by('sum', keys, rate(sel(M.alertmanager_notifications_total), '5m'));
  const percent = v.thresholds.notificationFailurePercent;
  return {
    name: ALERTS.AlertmanagerNotificationsFailing,
    expr: `${failed}\n/\n${all}\n> ${ratio(percent)}`,
    for: '5m',
    severity: 'warning',
    category: 'monitoring',
    service: SERVICES.alertmanager,
    threshold: `> ${percent} % failed`,
    summary: 'Alertmanager {{ $labels.instance }} fails to deliver {{ $labels.integration }} notifications',
    description: `{{ $value | humanizePercentage }} of the {{ $labels.integration }} notifications of Alertmanager {{ $labels.instance }} failed over 5 minutes (above ${percent} %): check the receiver's URL and credentials.`,
  };
}

/**
 * Targets of scrape jobs that have no ServiceDown rule (jobs you add yourself):
 * every job of lib/catalog/jobs.ts is covered by ServiceDown of its category
 * (application, infrastructure, monitoring).
 */
function scrapeTargetDown(): AlertRule {
  return {
    name: ALERTS.ScrapeTargetDown,
    expr: `${sel(M.up, { job: notRe(oneOf(ALL_JOBS)) })} == 0`,
    for: '5m',
    severity: 'warning',
    category: 'monitoring',
    service: SERVICES.fromJob,
    threshold: 'up == 0',
    summary: 'Scrape target {{ $labels.instance }} of {{ $labels.job }} is down',
    description: 'Prometheus could not scrape {{ $labels.instance }} (job {{ $labels.job }}) for 5 minutes; its metrics and the alerts based on them are missing.',
  };
}
