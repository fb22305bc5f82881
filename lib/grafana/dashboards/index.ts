/**
 * The dashboards Grafana provisions: ours, built from typed code, and the
 * user's own from the values, each checked and serialized the same way.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ValuesError } from '../../values/errors';
import { checkValuesTree, MAX_LARGE_STRING, readTextFile } from '../../values/validators/input';
import type { RuleThresholds } from '../../rules/values';
import type { RulesValues } from '../../rules/values';
import { DatasourceKey, enabledDatasources } from '../datasources';
import { stableJson } from '../json';
import { GrafanaValues } from '../values';
import { alertPanelThresholds } from './alert-thresholds';
import { anomalyDetection } from './anomaly-detection';
import { infrastructure } from './infrastructure';
import { buildDashboard, DashboardSpec } from './kit';
import { logsOverview } from './logs';
import { monitoringStack } from './monitoring-stack';
import { systemOverview } from './system-overview';
import { checkDashboardModel, checkUniqueUids, DashboardModel } from './validate';

/** One dashboard file of the provisioning folder. */
export interface DashboardFile {
  /** File name in the dashboards folder and key in its ConfigMap, e.g. `system-overview.json`. */
  readonly fileName: string;
  readonly uid: string;
  readonly title: string;
  /** Stable, pretty-printed JSON. */
  readonly json: string;
  /** Where it came from, for error messages: `built-in` or the values key. */
  readonly source: string;
}

/** What our dashboards depend on in the values. */
export interface DashboardInputs {
  /** Time field of the log documents. */
  readonly logTimeField: string;
  /** Which `pynomaly_errors_total` components are detection and training failures: the alert rules' definition. */
  readonly detectionErrorComponents: string;
  readonly trainingErrorComponents: string;
  /** The alert rules' thresholds, which panels restating an alert show. */
  readonly alertThresholds: RuleThresholds;
}

/** What the dashboards are made of: Grafana's values and the alert rules' (thresholds, failure components). */
export interface DashboardValues {
  readonly grafana: GrafanaValues;
  readonly rules: RulesValues;
}

export function dashboardInputs(values: DashboardValues): DashboardInputs {
  return {
    logTimeField: values.grafana.datasources.elasticsearch.timeField,
    detectionErrorComponents: values.rules.application.detectionComponentRegex,
    trainingErrorComponents: values.rules.application.trainingComponentRegex,
    alertThresholds: values.rules.thresholds,
  };
}

/** Our dashboards. */
export function builtinSpecs(inputs: DashboardInputs): DashboardSpec[] {
  const alerts = alertPanelThresholds(inputs.alertThresholds);
  return [
    systemOverview(alerts),
    anomalyDetection({ detection: inputs.detectionErrorComponents, training: inputs.trainingErrorComponents }, alerts),
    infrastructure(alerts),
    logsOverview(inputs.logTimeField),
    monitoringStack(),
  ];
}

function fileNameOf(uid: string): string {
  return `${uid.replace(/^pynomaly-/, '')}.json`;
}

/**
 * Built dashboards by their inputs: environments usually share them, and
 * building is the costly part. The key holds every input (thresholds
 * included), so environments that differ in any share nothing.
 */
const builtinCache = new Map<string, DashboardFile[]>();

/** Our dashboards whose datasources are all provisioned. */
export function builtinDashboards(values: DashboardValues): DashboardFile[] {
  const on = enabledDatasources(values.grafana);
  const inputs = dashboardInputs(values);
  const key = JSON.stringify([[...on].sort(), inputs]);
  const cached = builtinCache.get(key);
  if (cached) return cached;
  const built = builtinSpecs(inputs)
    .filter((spec) => spec.requires.every((ds: DatasourceKey) => on.has(ds)))
    .map((spec) => {
      const model = checkDashboardModel(buildDashboard(spec), `built-in dashboard ${spec.uid}`);
      return { fileName: fileNameOf(spec.uid), uid: model.uid, title: model.title, json: stableJson(model), source: `built-in dashboard ${spec.uid}` };
    });
  builtinCache.set(key, built);
  return built;
}

/** The user's dashboards from `grafana.dashboards.additional`: inline JSON or a file path. */
export function additionalDashboards(v: GrafanaValues, cwd: string = process.cwd()): DashboardFile[] {
  return Object.entries(v.dashboards.additional)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([fileName, content]) => {
      const key = `grafana.dashboards.additional["${fileName}"]`;
      const { text, source } = readDashboardSource(key, content, cwd);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        throw new ValuesError(`${source}: not valid JSON: ${(e as Error).message}`);
      }
      checkValuesTree(parsed, source);
      const model = withoutInstanceId(checkDashboardModel(parsed, source));
      return { fileName, uid: model.uid, title: model.title, json: stableJson(model), source };
    });
}

function readDashboardSource(key: string, content: string, cwd: string): { text: string; source: string } {
  if (content.trimStart().startsWith('{')) return { text: content, source: key };
  const path = resolve(cwd, content);
  const source = `${key} (file ${path})`;
  if (!existsSync(path)) throw new ValuesError(`${key}: dashboard file ${path} not found (paths are relative to the current directory, ${cwd})`);
  try {
    return { text: readTextFile(path, source, MAX_LARGE_STRING), source };
  } catch (e) {
    if (e instanceof ValuesError) throw e;
    throw new ValuesError(`${source}: cannot read: ${(e as Error).message}`);
  }
}

/** `id` is the database id of one Grafana instance; provisioning goes by uid. */
function withoutInstanceId(model: DashboardModel): DashboardModel {
  const { id: _id, ...rest } = model;
  return rest as DashboardModel;
}

/** Every dashboard to provision, checked together (unique uids and file names). */
export function provisionedDashboards(values: DashboardValues, cwd?: string): DashboardFile[] {
  const builtin = builtinDashboards(values);
  const additional = additionalDashboards(values.grafana, cwd);
  for (const a of additional) {
    const clash = builtin.find((b) => b.fileName === a.fileName);
    if (clash) throw new ValuesError(`${a.source}: the file name ${a.fileName} is taken by the built-in dashboard ${clash.uid}; rename it`);
  }
  const all = [...builtin, ...additional];
  checkUniqueUids(all);
  return all;
}
