/**
 * Info alerts about changes, for the change log / webhook receiver:
 * deployments and configuration reloads.
 */
import { M } from '../../catalog';
import { JOBS } from '../../catalog/jobs';
import { jobsOf, SERVICES } from '../jobs';
import type { AlertRule } from '../model';
import { ALERTS } from '../names';
import { by, oneOf, re, sel } from '../../catalog/promql';

/** How long an info alert about a change stays firing. */
const RECENT = '10m';
const RECENT_SECONDS = 600;

export function changeRules(): AlertRule[] {
  return [
    pynomalyDeployed(),
    monitoringRestarted(),
    configChanged(M.prometheus_config_last_reload_success_timestamp_seconds),
    configChanged(M.alertmanager_config_hash),
  ];
}

/**
 * A young process: a rollout creates pods (new series, which `changes()` over
 * process_start_time_seconds never sees), a restart resets the start time;
 * both make the youngest process of the job younger than 10 minutes. The app
 * has no build-info metric to tell versions apart.
 */
function youngestProcessAge(jobs: readonly string[]): string {
  return by('min', ['namespace', 'job'], `time() - ${sel(M.process_start_time_seconds, { job: jobs.length === 1 ? jobs[0] : re(oneOf(jobs)) })}`);
}

function pynomalyDeployed(): AlertRule {
  return {
    name: ALERTS.PynomalyDeployed,
    expr: `${youngestProcessAge([JOBS.pynomalyApi])} < ${RECENT_SECONDS}`,
    severity: 'info',
    category: 'application',
    service: SERVICES.api,
    threshold: `process younger than ${RECENT}`,
    summary: 'Pynomaly API was deployed or restarted',
    description: 'A process of {{ $labels.job }} started {{ $value | humanizeDuration }} ago: a rollout, a scale-up or a restart (if it repeats, look for a crash loop).',
  };
}

function monitoringRestarted(): AlertRule {
  return {
    name: ALERTS.MonitoringComponentRestarted,
    expr: `${youngestProcessAge(jobsOf('monitoring'))} < ${RECENT_SECONDS}`,
    severity: 'info',
    category: 'monitoring',
    service: SERVICES.fromJob,
    threshold: `process younger than ${RECENT}`,
    summary: '{{ $labels.job }} was deployed or restarted',
    description: 'A process of {{ $labels.job }} started {{ $value | humanizeDuration }} ago: an upgrade, a configuration rollout or a restart.',
  };
}

function configChanged(metric: typeof M.prometheus_config_last_reload_success_timestamp_seconds | typeof M.alertmanager_config_hash): AlertRule {
  const isPrometheus = metric === M.prometheus_config_last_reload_success_timestamp_seconds;
  const display = isPrometheus ? 'Prometheus' : 'Alertmanager';
  return {
    name: isPrometheus ? ALERTS.PrometheusConfigChanged : ALERTS.AlertmanagerConfigChanged,
    expr: `changes(${sel(metric)}[${RECENT}]) > 0`,
    severity: 'info',
    category: 'monitoring',
    service: isPrometheus ? SERVICES.prometheus : SERVICES.alertmanager,
    threshold: `changed in ${RECENT}`,
    summary: `${display} {{ $labels.instance }} loaded a new configuration`,
    description: isPrometheus
      ? 'Prometheus {{ $labels.instance }} reloaded its configuration successfully {{ $value }} time(s) in the last 10 minutes.'
      : 'The configuration hash of Alertmanager {{ $labels.instance }} changed {{ $value }} time(s) in the last 10 minutes.',
  };
}
