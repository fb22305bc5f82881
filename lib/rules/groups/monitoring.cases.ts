/** promtool cases of ./monitoring.ts. */
import { M } from '../../catalog';
import { JOBS } from '../../catalog/jobs';
import { ALERTS } from '../names';
import { AlertCase, around, counter, fires, gauge, pick, series, step } from '../testing';
import type { RulesValues } from '../values';

export const PROMETHEUS_TARGET = { job: JOBS.prometheus, namespace: 'monitoring', instance: 'localhost:9090', pod: 'prometheus-0' } as const;
export const ALERTMANAGER_TARGET = { job: JOBS.alertmanager, namespace: 'monitoring', instance: '10.0.0.40:9093', pod: 'alertmanager-0' } as const;

export function monitoringCases(v: RulesValues): AlertCase[] {
  return [
    ...watchdog(),
    ...configReload(ALERTS.PrometheusConfigReloadFailed, M.prometheus_config_last_reload_successful, PROMETHEUS_TARGET),
    ...configReload(ALERTS.AlertmanagerConfigReloadFailed, M.alertmanager_config_last_reload_successful, ALERTMANAGER_TARGET),
    ...ruleEvaluation(),
    ...errorSending(v),
    ...notConnected(),
    ...notificationsFailing(v),
    ...scrapeTargetDown(),
  ];
}

function watchdog(): AlertCase[] {
  // Always firing by design: it has no silent case (the coverage test knows).
  return [{ alert: ALERTS.Watchdog, title: 'fires with no input at all', input: [], at: 1, expect: [fires('info', {}, 1)] }];
}

function configReload(
  alert: typeof ALERTS.PrometheusConfigReloadFailed | typeof ALERTS.AlertmanagerConfigReloadFailed,
  metric: typeof M.prometheus_config_last_reload_successful | typeof M.alertmanager_config_last_reload_successful,
  target: Record<string, string>,
): AlertCase[] {
  const reload = (values: string) => [{ series: series(metric, target), values }];
  return [
    { alert, title: 'a failed reload for 10m fires', input: reload(step(1, 5, 0, 20)), at: 22, expect: [fires('warning', target, 0)] },
    { alert, title: 'a failed reload fixed within 10m stays silent', input: reload('1+0x4 0+0x7 1+0x10'), at: 20, expect: [] },
  ];
}

function ruleEvaluation(): AlertCase[] {
  const alert = ALERTS.PrometheusRuleEvaluationFailures;
  const ruleGroup = '/etc/prometheus/rules/pynomaly-application.yaml;pynomaly-application';
  const failures = (values: string) => [{ series: series(M.prometheus_rule_evaluation_failures_total, { ...PROMETHEUS_TARGET, rule_group: ruleGroup }), values }];
  const kept = pick({ ...PROMETHEUS_TARGET, rule_group: ruleGroup }, ['namespace', 'job', 'instance', 'rule_group']);
  return [
    { alert, title: 'one failure a minute fires', input: failures(counter(1, 15)), at: 15, expect: [fires('warning', kept, 5)] },
    { alert, title: 'old failures, none new, stay silent', input: failures(gauge(3, 15)), at: 15, expect: [] },
  ];
}

function errorSending(v: RulesValues): AlertCase[] {
  const p = around(v.thresholds.notificationFailurePercent, 0, 100);
  const alert = ALERTS.PrometheusErrorSendingAlerts;
  const am = { ...PROMETHEUS_TARGET, alertmanager: 'http://10.0.0.40:9093/api/v2/alerts' };
  const notifications = (percent: number) => [
    { series: series(M.prometheus_notifications_sent_total, am), values: counter(100, 30) },
    { series: series(M.prometheus_notifications_errors_total, am), values: counter(percent, 30) },
  ];
  return [
    {
      alert,
      title: `${p.above} % errors for 15m fire`,
      input: notifications(p.above),
      at: 25,
      expect: [fires('warning', pick(am, ['namespace', 'job', 'instance', 'alertmanager']), p.above / 100)],
    },
    { alert, title: `${p.below} % errors stay silent`, input: notifications(p.below), at: 25, expect: [] },
  ];
}

function notConnected(): AlertCase[] {
  const alert = ALERTS.PrometheusNotConnectedToAlertmanagers;
  const discovered = (n: number) => [{ series: series(M.prometheus_notifications_alertmanagers_discovered, PROMETHEUS_TARGET), values: gauge(n, 20) }];
  return [
    { alert, title: 'no Alertmanager for 10m fires', input: discovered(0), at: 15, expect: [fires('warning', PROMETHEUS_TARGET, 0)] },
    { alert, title: 'one Alertmanager stays silent', input: discovered(1), at: 15, expect: [] },
  ];
}

function notificationsFailing(v: RulesValues): AlertCase[] {
  const p = around(v.thresholds.notificationFailurePercent, 0, 100);
  const alert = ALERTS.AlertmanagerNotificationsFailing;
  const slack = { ...ALERTMANAGER_TARGET, integration: 'slack' };
  const notifications = (percent: number) => [
    { series: series(M.alertmanager_notifications_total, slack), values: counter(100, 20) },
    { series: series(M.alertmanager_notifications_failed_total, { ...slack, reason: 'clientError' }), values: counter(percent, 20) },
  ];
  return [
    {
      alert,
      title: `${p.above} % failed slack notifications fire`,
      input: notifications(p.above),
      at: 15,
      expect: [fires('warning', pick(slack, ['namespace', 'job', 'instance', 'integration']), p.above / 100)],
    },
    { alert, title: `${p.below} % failed stay silent`, input: notifications(p.below), at: 15, expect: [] },
  ];
}

function scrapeTargetDown(): AlertCase[] {
  const alert = ALERTS.ScrapeTargetDown;
  const custom = { job: 'my-batch-job', namespace: 'batch', instance: '10.0.2.1:8080' };
  const up = (labels: Record<string, string>, value: number) => ({ series: series(M.up, labels), values: gauge(value, 10) });
  return [
    { alert, title: 'a target of a job of our own down for 5m fires', input: [up(custom, 0)], at: 6, expect: [fires('warning', custom, 0)] },
    { alert, title: 'catalog jobs are left to ServiceDown; up targets stay silent', input: [up(PROMETHEUS_TARGET, 0), up(custom, 1)], at: 6, expect: [] },
  ];
}
