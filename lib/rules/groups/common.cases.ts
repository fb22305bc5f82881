/** promtool cases of ServiceDown (one rule per category, see ./common.ts). */
import { M } from '../../catalog';
import { JOBS } from '../../catalog/jobs';
import { ALERTS } from '../names';
import { AlertCase, fires, gauge, series, step } from '../testing';
import { API_TARGET } from './application.cases';

const REDIS_EXPORTER = { job: JOBS.redisExporter, namespace: 'pynomaly', instance: '10.0.0.20:9121', pod: 'redis-exporter-0' } as const;
const GRAFANA = { job: JOBS.grafana, namespace: 'monitoring', instance: '10.0.0.30:3000', pod: 'grafana-0' } as const;

export function serviceDownCases(): AlertCase[] {
  const alert = ALERTS.ServiceDown;
  const up = (labels: Record<string, string>, values: string) => ({ series: series(M.up, labels), values });
  const downFrom5m = step(1, 5, 0, 10);
  return [
    {
      alert,
      title: 'API down from 5m fires at 6m, after its 1m for, as an application alert',
      input: [up(API_TARGET, downFrom5m), up(REDIS_EXPORTER, gauge(1, 15))],
      at: 6,
      expect: [fires('critical', API_TARGET, 0, 'application')],
    },
    { alert, title: 'API down from 5m is still pending at 5m', input: [up(API_TARGET, downFrom5m)], at: 5, expect: [] },
    { alert, title: 'an exporter down is an infrastructure alert', input: [up(REDIS_EXPORTER, gauge(0, 5))], at: 5, expect: [fires('critical', REDIS_EXPORTER, 0, 'infrastructure')] },
    { alert, title: 'Grafana down is a monitoring alert', input: [up(GRAFANA, gauge(0, 5))], at: 5, expect: [fires('critical', GRAFANA, 0, 'monitoring')] },
    {
      alert,
      title: 'every target up stays silent; a job of our own is left to ScrapeTargetDown',
      input: [up(API_TARGET, gauge(1, 5)), up(REDIS_EXPORTER, gauge(1, 5)), up(GRAFANA, gauge(1, 5)), up({ job: 'my-batch-job', instance: 'batch:8080' }, gauge(0, 5))],
      at: 5,
      expect: [],
    },
  ];
}
