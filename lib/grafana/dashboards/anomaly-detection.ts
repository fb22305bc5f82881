/**
 * Anomaly Detection: detection and training job rates, failures and
 * durations, anomalies found, stream throughput. Filterable by detector type.
 *
 * The app counts failures in `pynomaly_errors_total{component}`; which
 * components are detection and training failures is the alert rules' setting
 * (`rules.application.detectionComponentRegex` / `trainingComponentRegex`),
 * so the dashboard and the alerts count the same thing.
 */
import { M } from '../../catalog/index';
import { JOBS } from '../../catalog/jobs';
import { ALERTS } from '../../rules/names';
import { AlertPanelThresholds } from './alert-thresholds';
import { increase, rate, re } from '../../catalog/promql';
import { barGaugePanel, DashboardSpec, heatmapPanel, job, mean, piePanel, promVariable, quantile, RATE, statPanel, tablePanel, targetVariables, timeseriesPanel } from './kit';

export const ANOMALY_DETECTION_UID = 'pynomaly-anomaly-detection';

/** Regexes of the `pynomaly_errors_total` components that are detection or training failures. */
export interface FailureComponents {
  readonly detection: string;
  readonly training: string;
}

const API = job(JOBS.pynomalyApi);
/** Series with a detector_type label, filtered by the detector variable too. */
const DETECTOR = job(JOBS.pynomalyApi, { detector_type: '$detector_type' });

export function anomalyDetection(failures: FailureComponents, alerts: AlertPanelThresholds): DashboardSpec {
  const DETECTION_ERRORS = job(JOBS.pynomalyApi, { component: re(failures.detection) });
  const TRAINING_ERRORS = job(JOBS.pynomalyApi, { component: re(failures.training) });
  return {
    uid: ANOMALY_DETECTION_UID,
    title: 'Pynomaly / Anomaly Detection',
    description: 'Detection and training jobs: rates, failures, durations, anomalies found and stream throughput',
    tags: ['detection'],
    requires: ['prometheus'],
    variables: [
      ...targetVariables([JOBS.pynomalyApi]),
      promVariable('detector_type', 'Detector', `label_values(${M.pynomaly_detections_total}${API}, detector_type)`),
    ],
    rows: [
      {
        title: 'Overview',
        panels: [
          statPanel({ title: 'Active detectors', queries: [{ expr: `sum(${M.pynomaly_active_detectors}${API})` }], unit: 'short' }),
          statPanel({ title: 'Detections', queries: [{ expr: `sum(${rate(M.pynomaly_detections_total + DETECTOR, RATE)}) * 60` }], unit: 'opm', decimals: 1 }),
          statPanel({
            title: 'Trainings (last hour)',
            queries: [{ expr: `sum(${increase(M.pynomaly_model_training_total + DETECTOR, '1h')})`, instant: true }],
            unit: 'short',
            decimals: 0,
            sparkline: false,
          }),
          statPanel({
            title: 'Detection failure ratio',
            description: 'Errors of detection components per detection run',
            queries: [{ expr: `sum(${rate(M.pynomaly_errors_total + DETECTION_ERRORS, RATE)}) / sum(${rate(M.pynomaly_detections_total + API, RATE)})` }],
            unit: 'percentunit',
            decimals: 1,
            ...alerts.detectionFailureRatio,
          }),
          statPanel({
            title: 'Detection p95',
            queries: [{ expr: quantile(0.95, M.pynomaly_detection_duration_seconds, DETECTOR) }],
            unit: 's',
            thresholds: [
              [10, 'orange'],
              [30, 'red'],
            ],
          }),
          statPanel({
            title: 'Anomalies per detection',
            description: 'Mean number of anomalies a detection run finds',
            queries: [{ expr: mean(M.pynomaly_anomalies_found, DETECTOR) }],
            unit: 'short',
            decimals: 1,
          }),
        ],
      },
      {
        title: 'Detection',
        panels: [
          timeseriesPanel({
            title: 'Detections by detector type',
            queries: [{ expr: `sum by (detector_type) (${rate(M.pynomaly_detections_total + DETECTOR, RATE)})`, legend: '{{detector_type}}' }],
            unit: 'ops',
            stack: true,
          }),
          timeseriesPanel({
            title: 'Detections by dataset (top 10)',
            queries: [{ expr: `topk(10, sum by (dataset_name) (${rate(M.pynomaly_detections_total + DETECTOR, RATE)}))`, legend: '{{dataset_name}}' }],
            unit: 'ops',
            legendTable: true,
          }),
          timeseriesPanel({
            title: 'Detection duration by detector type',
            queries: [
              { expr: quantile(0.5, M.pynomaly_detection_duration_seconds, DETECTOR, ['detector_type']), legend: 'p50 {{detector_type}}' },
              { expr: quantile(0.95, M.pynomaly_detection_duration_seconds, DETECTOR, ['detector_type']), legend: 'p95 {{detector_type}}' },
            ],
            unit: 's',
          }),
          heatmapPanel({
            title: 'Detection duration distribution',
            query: { expr: `sum by (le) (${increase(`${M.pynomaly_detection_duration_seconds}_bucket` + DETECTOR, RATE)})` },
            unit: 's',
          }),
          timeseriesPanel({
            title: 'Anomalies found per detection',
            queries: [{ expr: mean(M.pynomaly_anomalies_found, DETECTOR, ['detector_type']), legend: '{{detector_type}}' }],
            unit: 'short',
          }),
          barGaugePanel({
            title: 'Anomalies found by detector type (range)',
            queries: [
              { expr: `sum by (detector_type) (${increase(`${M.pynomaly_anomalies_found}_sum` + DETECTOR, '$__range')})`, legend: '{{detector_type}}', instant: true },
            ],
            unit: 'short',
            decimals: 0,
          }),
          timeseriesPanel({
            title: 'Detection failures by error type',
            queries: [{ expr: `sum by (error_type) (${rate(M.pynomaly_errors_total + DETECTION_ERRORS, RATE)})`, legend: '{{error_type}}' }],
            unit: 'ops',
            stack: true,
            width: 24,
          }),
        ],
      },
      {
        title: 'Training',
        panels: [
          timeseriesPanel({
            title: 'Trainings by algorithm',
            queries: [{ expr: `sum by (algorithm) (${increase(M.pynomaly_model_training_total + DETECTOR, RATE)})`, legend: '{{algorithm}}' }],
            unit: 'short',
            bars: true,
            stack: true,
            width: 9,
          }),
          timeseriesPanel({
            title: 'Training duration p95 by algorithm',
            queries: [{ expr: quantile(0.95, M.pynomaly_training_duration_seconds, DETECTOR, ['algorithm']), legend: '{{algorithm}}' }],
            unit: 's',
            width: 9,
          }),
          statPanel({
            title: 'Training failures (last hour)',
            description: `Errors of training components in the last hour; red where the ${ALERTS.PynomalyTrainingFailures} alert fires`,
            queries: [{ expr: `sum(${increase(M.pynomaly_errors_total + TRAINING_ERRORS, '1h')}) or vector(0)` }],
            unit: 'short',
            decimals: 0,
            width: 6,
            height: 8,
            ...alerts.trainingFailures,
          }),
          piePanel({
            title: 'Trainings by detector type (range)',
            queries: [
              { expr: `sum by (detector_type) (${increase(M.pynomaly_model_training_total + DETECTOR, '$__range')})`, legend: '{{detector_type}}', instant: true },
            ],
            unit: 'short',
          }),
          timeseriesPanel({
            title: 'Training failures by error type',
            queries: [{ expr: `sum by (error_type) (${increase(M.pynomaly_errors_total + TRAINING_ERRORS, RATE)})`, legend: '{{error_type}}' }],
            unit: 'short',
            bars: true,
            stack: true,
          }),
        ],
      },
      {
        title: 'Throughput and streams',
        panels: [
          timeseriesPanel({
            title: 'Stream messages processed',
            queries: [{ expr: `sum by (stream_id) (${rate(M.pynomaly_stream_messages_processed_total + API, RATE)})`, legend: '{{stream_id}}' }],
            unit: 'ops',
            stack: true,
          }),
          timeseriesPanel({
            title: 'Stream processing latency p95',
            queries: [{ expr: quantile(0.95, M.pynomaly_stream_processing_latency_seconds, API, ['stream_id']), legend: '{{stream_id}}' }],
            unit: 's',
          }),
          timeseriesPanel({
            title: 'Errors by component',
            queries: [{ expr: `sum by (component) (${rate(M.pynomaly_errors_total + API, RATE)})`, legend: '{{component}}' }],
            unit: 'ops',
            stack: true,
          }),
          tablePanel({
            title: 'Detections by detector and dataset (range)',
            queries: [{ expr: `sum by (detector_type, dataset_name) (${increase(M.pynomaly_detections_total + DETECTOR, '$__range')})` }],
            unit: 'short',
            decimals: 0,
            sortBy: 'Value',
          }),
        ],
      },
    ],
  };
}
