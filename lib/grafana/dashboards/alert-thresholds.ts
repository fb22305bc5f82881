/**
 * Panel thresholds that restate an alert rule's threshold. They are computed
 * from the same values the rules are built from (`rules.thresholds`), so a
 * panel changes color where its alert fires, in every environment and after
 * `--set`: one source of truth, no literal copy that drifts.
 *
 * Colors: orange at a warning alert's threshold and red at its critical twin;
 * a warning alert without a twin is red (the panel has nothing worse to show).
 * Grafana colors a value from a step on (`>=`), the rules fire above it (`>`),
 * or below it (`<`) for the cache hit rate: the same number on both sides, but
 * for counts, where "more than N" is "N + 1 or more" (a step at N would color
 * N itself, and with N = 0 a quiet panel would be red all the time).
 *
 * Panels whose thresholds mirror no alert (file descriptors, PostgreSQL
 * connections, node memory, Redis, ...) keep their literals.
 */
import { ratio } from '../../catalog/promql';
import type { RuleThresholds } from '../../rules/values';
import type { PanelBase } from './kit';

/** The threshold part of a panel's props: spread it into the panel (`...alerts.errorRatio`). */
export type PanelThresholds = Required<Pick<PanelBase, 'thresholds'>> & Pick<PanelBase, 'baseColor'>;

/** Thresholds of the panels that mirror an alert, by what the panel shows. */
export interface AlertPanelThresholds {
  /** Share of 5xx responses (percentunit): PynomalyHighErrorRate warning and critical. */
  readonly errorRatio: PanelThresholds;
  /** p95 latency stat (s): red at PynomalyHighResponseTime, orange from half of it (approaching). */
  readonly latencyP95: PanelThresholds;
  /** Latency lines (s): red at PynomalyHighResponseTime. */
  readonly latencyLine: PanelThresholds;
  /** Container working set over its limit (percentunit): PynomalyHighMemoryUsage warning and critical. */
  readonly memoryOfLimit: PanelThresholds;
  /** `pynomaly_cpu_usage_percent` (percent): PynomalyHighCpuUsage. */
  readonly appCpu: PanelThresholds;
  /** Detection errors per detection (percentunit): PynomalyHighDetectionFailureRate. */
  readonly detectionFailureRatio: PanelThresholds;
  /** Training errors in the last hour (count): red from one more than PynomalyTrainingFailures allows. */
  readonly trainingFailures: PanelThresholds;
  /** App cache hit ratio (percentunit), low is bad: red below PynomalyLowCacheHitRate. */
  readonly cacheHitRatio: PanelThresholds;
  /** Node CPU busy (percentunit): HostHighCpuUsage. */
  readonly hostCpu: PanelThresholds;
  /** Filesystem used (percentunit): HostHighDiskUsage warning and critical. */
  readonly disk: PanelThresholds;
  /** Elasticsearch pending cluster tasks (count): red from one more than ElasticsearchHighPendingTasks allows. */
  readonly elasticsearchPendingTasks: PanelThresholds;
}

/**
 * A cache hit ratio that is comfortably healthy (green). Not an alert: only
 * the band between the alert's threshold and this is orange; with an alert
 * threshold at or above it, the panel goes from red straight to green.
 */
const HEALTHY_CACHE_HIT_RATIO = 0.8;

/** A percent threshold as the ratio the rule compares against, rounded the same way. */
function ratioOf(percent: number): number {
  return Number(ratio(percent));
}

function pair(t: { readonly warningPercent: number; readonly criticalPercent: number }): PanelThresholds {
  return {
    thresholds: [
      [ratioOf(t.warningPercent), 'orange'],
      [ratioOf(t.criticalPercent), 'red'],
    ],
  };
}

function redFrom(value: number): PanelThresholds {
  return { thresholds: [[value, 'red']] };
}

/** A count alert firing above `limit`: red from the first count that fires it. */
function redAboveCount(limit: number): PanelThresholds {
  return redFrom(limit + 1);
}

function lowIsBad(alertRatio: number): PanelThresholds {
  const steps: [number, string][] =
    alertRatio < HEALTHY_CACHE_HIT_RATIO
      ? [
          [alertRatio, 'orange'],
          [HEALTHY_CACHE_HIT_RATIO, 'green'],
        ]
      : [[alertRatio, 'green']];
  return { baseColor: 'red', thresholds: steps };
}

/** The panel thresholds of the resolved `rules.thresholds`. */
export function alertPanelThresholds(t: RuleThresholds): AlertPanelThresholds {
  return {
    errorRatio: pair(t.errorRate),
    latencyP95: {
      thresholds: [
        [t.latencyP95Seconds / 2, 'orange'],
        [t.latencyP95Seconds, 'red'],
      ],
    },
    latencyLine: redFrom(t.latencyP95Seconds),
    memoryOfLimit: pair(t.memory),
    appCpu: redFrom(t.appCpuPercent),
    detectionFailureRatio: redFrom(ratioOf(t.detectionFailurePercent)),
    trainingFailures: redAboveCount(t.trainingFailuresPerHour),
    cacheHitRatio: lowIsBad(ratioOf(t.cacheHitRatePercent)),
    hostCpu: redFrom(ratioOf(t.hostCpuPercent)),
    disk: pair(t.disk),
    elasticsearchPendingTasks: redAboveCount(t.elasticsearchPendingTasks),
  };
}
