/**
 * The label contract between alert rules (lib/rules) and Alertmanager routing
 * (lib/alertmanager), declared once so routes and inhibitions always match
 * what the rules set. The original stack routed on labels no rule set.
 *
 * Conventions:
 * - Every alert sets `severity`, `category` and `service` (and annotations
 *   summary, description, runbook_url).
 * - Warning/critical twins share ONE alertname and differ in `severity`
 *   (e.g. PynomalyHighErrorRate at >10 % warning and >25 % critical), so one
 *   inhibit rule `critical mutes warning where alertname and service are equal`
 *   covers every pair.
 */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = ['application', 'infrastructure', 'monitoring'] as const;
export type Category = (typeof CATEGORIES)[number];

export const ALERT_LABELS = {
  severity: 'severity',
  category: 'category',
  service: 'service',
} as const;

/**
 * Labels that must be equal for a critical alert to mute its warning twin.
 * `instance` and `pod` keep the mute on the same target where twins report
 * per-target series (disk per node, memory per pod): a critical on one pod
 * must not hide a warning on another. A label missing on both sides counts as
 * equal, so twins aggregated per job are unaffected.
 */
export const TWIN_EQUAL_LABELS = ['alertname', 'service', 'namespace', 'cluster', 'environment', 'instance', 'pod'] as const;

/** Name of the always-firing alert that proves the alerting pipeline works end to end. */
export const WATCHDOG_ALERT = 'Watchdog';
