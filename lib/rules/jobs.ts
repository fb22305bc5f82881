/**
 * Which category each scrape job belongs to, for ServiceDown (one rule per
 * category, so each alert routes to the right team). A Record over every job
 * name: adding a job to lib/catalog/jobs.ts without a category here is a
 * compile error.
 */
import type { Category } from '../catalog/alerting';
import { JOBS, JobName } from '../catalog/jobs';

export const JOB_CATEGORY: Readonly<Record<JobName, Category>> = {
  [JOBS.pynomalyApi]: 'application',
  [JOBS.nodeExporter]: 'infrastructure',
  [JOBS.redisExporter]: 'infrastructure',
  [JOBS.postgresExporter]: 'infrastructure',
  [JOBS.elasticsearchExporter]: 'infrastructure',
  [JOBS.jaeger]: 'infrastructure',
  [JOBS.logstash]: 'infrastructure',
  [JOBS.kubelet]: 'infrastructure',
  [JOBS.cadvisor]: 'infrastructure',
  [JOBS.prometheus]: 'monitoring',
  [JOBS.alertmanager]: 'monitoring',
  [JOBS.grafana]: 'monitoring',
  [JOBS.blackboxExporter]: 'monitoring',
  [JOBS.blackboxProbe]: 'monitoring',
};

export function jobsOf(category: Category): JobName[] {
  return (Object.keys(JOB_CATEGORY) as JobName[]).filter((job) => JOB_CATEGORY[job] === category);
}

export const ALL_JOBS = Object.keys(JOB_CATEGORY) as JobName[];

/** Services named in the `service` label where it is not a scrape job. */
export const SERVICES = {
  api: JOBS.pynomalyApi,
  node: 'node',
  redis: 'redis',
  postgresql: 'postgresql',
  elasticsearch: 'elasticsearch',
  logstash: JOBS.logstash,
  kibana: 'kibana',
  prometheus: JOBS.prometheus,
  alertmanager: JOBS.alertmanager,
  /** `service` of ServiceDown and friends: the job of the target. */
  fromJob: '{{ $labels.job }}',
} as const;
