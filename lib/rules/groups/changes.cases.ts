/** promtool cases of ./changes.ts. Times are seconds since the first sample (promtool starts at 0). */
import { M } from '../../catalog';
import { JOBS } from '../../catalog/jobs';
import { ALERTS } from '../names';
import { AlertCase, fires, gauge, series } from '../testing';
import { API_TARGET } from './application.cases';
import { ALERTMANAGER_TARGET, PROMETHEUS_TARGET } from './monitoring.cases';

const GRAFANA = { job: JOBS.grafana, namespace: 'monitoring', instance: '10.0.0.30:3000', pod: 'grafana-0' } as const;

export function changeCases(): AlertCase[] {
  return [...deployed(), ...monitoringRestarted(), ...configChanged()];
}

/** A process that started at minute 0 (old at 60m), and one that started at minute 55 (a new pod). */
function startTimes(target: Record<string, string>): { old: AlertCase['input'][number]; young: AlertCase['input'][number] } {
  return {
    old: { series: series(M.process_start_time_seconds, target), values: gauge(0, 70) },
    young: { series: series(M.process_start_time_seconds, { ...target, pod: `${target.pod}-new`, instance: `${target.instance}1` }), values: `_x55 ${gauge(55 * 60, 15)}` },
  };
}

function deployed(): AlertCase[] {
  const alert = ALERTS.PynomalyDeployed;
  const api = startTimes(API_TARGET);
  const job = { namespace: API_TARGET.namespace, job: API_TARGET.job };
  return [
    { alert, title: 'a pod started 5m ago fires', input: [api.old, api.young], at: 60, expect: [fires('info', job, 5 * 60)] },
    { alert, title: 'pods older than 10m stay silent', input: [api.old, api.young], at: 66, expect: [] },
  ];
}

function monitoringRestarted(): AlertCase[] {
  const alert = ALERTS.MonitoringComponentRestarted;
  const grafana = startTimes(GRAFANA);
  const api = startTimes(API_TARGET);
  return [
    { alert, title: 'Grafana restarted 5m ago fires', input: [grafana.old, grafana.young], at: 60, expect: [fires('info', { namespace: GRAFANA.namespace, job: GRAFANA.job }, 5 * 60)] },
    { alert, title: 'an API restart is not a monitoring component', input: [grafana.old, api.young], at: 60, expect: [] },
  ];
}

function configChanged(): AlertCase[] {
  const reloaded = { series: series(M.prometheus_config_last_reload_success_timestamp_seconds, PROMETHEUS_TARGET), values: `${gauge(0, 29)} ${gauge(1800, 30)}` };
  const hash = { series: series(M.alertmanager_config_hash, ALERTMANAGER_TARGET), values: `${gauge(123456789, 29)} ${gauge(987654321, 30)}` };
  return [
    { alert: ALERTS.PrometheusConfigChanged, title: 'a reload 5m ago fires', input: [reloaded], at: 35, expect: [fires('info', PROMETHEUS_TARGET, 1)] },
    { alert: ALERTS.PrometheusConfigChanged, title: 'a reload 20m ago stays silent', input: [reloaded], at: 50, expect: [] },
    { alert: ALERTS.AlertmanagerConfigChanged, title: 'a new configuration 5m ago fires', input: [hash], at: 35, expect: [fires('info', ALERTMANAGER_TARGET, 1)] },
    { alert: ALERTS.AlertmanagerConfigChanged, title: 'an unchanged configuration stays silent', input: [hash], at: 50, expect: [] },
  ];
}
