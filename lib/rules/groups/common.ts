import type { Category } from '../../catalog/alerting';
import { M } from '../../catalog';
import type { AlertRule } from '../model';
import { ALERTS } from '../names';
import { oneOf, re, sel } from '../../catalog/promql';
import { jobsOf, SERVICES } from '../jobs';

/** Labels the application alerts aggregate to: one alert per API deployment. */
export const PER_JOB = ['namespace', 'job'] as const;

/**
 * ServiceDown for the scrape jobs of one category: every target that cannot
 * be scraped for 1m, critical. The `service` label is the job, so the
 * Alertmanager groups and inhibits per service.
 */
export function serviceDown(category: Category): AlertRule {
  return {
    name: ALERTS.ServiceDown,
    expr: `${sel(M.up, { job: re(oneOf(jobsOf(category))) })} == 0`,
    for: '1m',
    severity: 'critical',
    category,
    service: SERVICES.fromJob,
    threshold: 'up == 0',
    summary: 'Target {{ $labels.instance }} of {{ $labels.job }} is down',
    description:
      'Prometheus could not scrape {{ $labels.instance }} (job {{ $labels.job }}) for more than 1 minute: the service is down, crashing or unreachable from Prometheus.',
  };
}
