/**
 * Small typed builders of Grafana's classic dashboard JSON model (what the
 * file provider loads): the panel kinds our dashboards use, each with the
 * options we always want (legends shown, units, thresholds), PromQL and
 * Elasticsearch queries, template variables, and a grid layout that numbers
 * panels and queries.
 *
 * Why not the builders of @grafana/grafana-foundation-sdk: its CommonJS build
 * loads fine, but requiring the panel modules we use costs ~50 ms (hundreds of
 * generated files) on every synth, a quarter of the whole synth budget, and
 * its 0.0.21 Elasticsearch aggregation builders emit `type: "unknown"`. So the
 * SDK is used for its *types only* (`import type`, erased at compile time):
 * every object below is checked against Grafana's own schema types, at no
 * runtime cost.
 */
import type * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import type * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import type * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import type * as logs from '@grafana/grafana-foundation-sdk/logs';
import type * as piechart from '@grafana/grafana-foundation-sdk/piechart';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import type * as table from '@grafana/grafana-foundation-sdk/table';
import type * as text from '@grafana/grafana-foundation-sdk/text';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { Matchers, matchers, rate } from '../../catalog/promql';
import { DatasourceKey, DatasourceRef, datasourceRef } from '../datasources';

/**
 * A value of a string enum of the SDK's types, written as its literal:
 * `lit<common.StackingMode>('normal')`. The literal is checked against the
 * enum's values (a typo does not compile); no SDK code is loaded.
 */
function lit<E extends string>(value: `${E}`): E {
  return value as unknown as E;
}

// ---------------------------------------------------------------------------
// PromQL

/** Label matchers every Prometheus panel filters on, bound to the dashboard's template variables. */
export const TARGET_FILTER = { namespace: '$namespace', service: '$service', instance: '$instance' } as const;

/** Selector of a scrape job's series, filtered by the dashboard variables. */
export function job(jobName: string, extra: Matchers = {}): string {
  return matchers({ job: jobName, ...TARGET_FILTER, ...extra });
}

/** Grafana's rate window: at least four scrape intervals (the datasource knows the interval). */
export const RATE = '$__rate_interval';

/** `histogram_quantile(q, sum by (le, ...) (rate(<histogram>_bucket{...}[w])))`. */
export function quantile(q: number, histogram: string, selector: string, by: readonly string[] = [], window: string = RATE): string {
  return `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (${rate(`${histogram}_bucket${selector}`, window)}))`;
}

/** Mean of a histogram's observations: sum of rate(_sum) over sum of rate(_count). */
export function mean(histogram: string, selector: string, by: readonly string[] = []): string {
  const group = by.length ? ` by (${by.join(', ')})` : '';
  return `sum${group} (${rate(`${histogram}_sum${selector}`, RATE)}) / sum${group} (${rate(`${histogram}_count${selector}`, RATE)})`;
}

export interface PromQuery {
  readonly expr: string;
  /** Legend, e.g. `{{endpoint}}`. */
  readonly legend?: string;
  /** Evaluate once at the end of the range (stat, table, pie). @default false */
  readonly instant?: boolean;
  /** @default time_series */
  readonly format?: `${prometheus.PromQueryFormat}`;
}

/** A Prometheus query as a panel carries it (the SDK type minus its builder marker). */
export type PromTarget = Omit<prometheus.Dataquery, '_implementsDataqueryVariant'>;

function promTarget(q: PromQuery): PromTarget {
  return {
    datasource: datasourceRef('prometheus'),
    expr: q.expr,
    ...(q.legend !== undefined ? { legendFormat: q.legend } : {}),
    instant: q.instant ?? false,
    range: !q.instant,
    ...(q.format ? { format: lit<prometheus.PromQueryFormat>(q.format) } : {}),
  };
}

// ---------------------------------------------------------------------------
// Elasticsearch

export type EsMetric = { readonly id: string; readonly type: 'count' } | { readonly id: string; readonly type: 'logs'; readonly settings: { readonly limit: string } };

export type EsBucket =
  | { readonly id: string; readonly type: 'date_histogram'; readonly field: string; readonly settings: { readonly interval: string; readonly min_doc_count: string } }
  | {
      readonly id: string;
      readonly type: 'terms';
      readonly field: string;
      readonly settings: { readonly size: string; readonly order: 'desc' | 'asc'; readonly orderBy: string; readonly min_doc_count: string };
    };

export interface EsQuery {
  /** Lucene query. */
  readonly query: string;
  readonly metrics: readonly EsMetric[];
  readonly bucketAggs: readonly EsBucket[];
  readonly timeField: string;
  readonly alias?: string;
}

/** An Elasticsearch query as a panel carries it. */
export interface EsTarget extends EsQuery {
  readonly datasource: DatasourceRef;
  readonly queryType: 'lucene';
  refId?: string;
}

function esTarget(q: EsQuery): EsTarget {
  return { datasource: datasourceRef('elasticsearch'), queryType: 'lucene', ...q };
}

export function esCount(query: string, timeField: string, buckets: readonly EsBucket[], alias?: string): EsQuery {
  return { query, timeField, metrics: [{ id: '1', type: 'count' }], bucketAggs: buckets, ...(alias ? { alias } : {}) };
}

export function esLogs(query: string, timeField: string, limit = 500): EsQuery {
  return { query, timeField, metrics: [{ id: '1', type: 'logs', settings: { limit: String(limit) } }], bucketAggs: [] };
}

export function esDateHistogram(timeField: string): EsBucket {
  return { id: '2', type: 'date_histogram', field: timeField, settings: { interval: 'auto', min_doc_count: '0' } };
}

export function esTerms(field: string, size = 10): EsBucket {
  return { id: '3', type: 'terms', field, settings: { size: String(size), order: 'desc', orderBy: '_count', min_doc_count: '1' } };
}

// ---------------------------------------------------------------------------
// Panels

/** A panel of the JSON model: the SDK's Panel with typed options and our query types. */
export interface PanelModel<O = unknown, C = unknown> extends Omit<dashboard.Panel, 'targets' | 'options' | 'fieldConfig'> {
  targets?: (PromTarget | EsTarget)[];
  options: O;
  fieldConfig: { defaults: Omit<dashboard.FieldConfig, 'custom'> & { custom?: C }; overrides: dashboard.FieldConfigSource['overrides'] };
  /** Grid size requested by the builder; the layout turns it into gridPos. */
  gridPos: dashboard.GridPos;
}

/** What every panel states. Width is in grid columns (24 per row), height in grid rows. */
export interface PanelBase {
  readonly title: string;
  readonly description?: string;
  /** @default 12 */
  readonly width?: number;
  /** @default 8 */
  readonly height?: number;
  /** Grafana unit id: `s`, `reqps`, `percentunit`, `bytes`, `short`, ... @default none */
  readonly unit?: string;
  readonly decimals?: number;
  readonly min?: number;
  readonly max?: number;
  /** Threshold steps above the base color, e.g. `[[0.1, 'orange'], [0.25, 'red']]`. */
  readonly thresholds?: readonly (readonly [number, string])[];
  /** Color below the first threshold (red where low is bad). @default green */
  readonly baseColor?: string;
  readonly mappings?: dashboard.ValueMapping[];
}

/** Value → text and color, e.g. `{ 0: ['Down', 'red'], 1: ['Up', 'green'] }`. */
export function valueText(map: Record<string, readonly [string, string]>): dashboard.ValueMapping[] {
  const options: Record<string, dashboard.ValueMappingResult> = {};
  Object.entries(map).forEach(([value, [textValue, color]], index) => {
    options[value] = { text: textValue, color, index };
  });
  return [{ type: lit<dashboard.MappingType.ValueToText>('value'), options }];
}

function thresholds(p: PanelBase): dashboard.ThresholdsConfig {
  return {
    mode: lit<dashboard.ThresholdsMode>('absolute'),
    steps: [{ value: null, color: p.baseColor ?? 'green' }, ...(p.thresholds ?? []).map(([value, color]) => ({ value, color }))],
  };
}

/** The parts every panel shares: title, size, datasource, queries, field defaults. */
function panel<O, C>(type: string, p: PanelBase, ds: DatasourceKey, targets: (PromTarget | EsTarget)[], options: O, custom?: C): PanelModel<O, C> {
  return {
    type,
    title: p.title,
    ...(p.description ? { description: p.description } : {}),
    datasource: datasourceRef(ds),
    targets,
    options,
    fieldConfig: {
      defaults: {
        ...(p.unit ? { unit: p.unit } : {}),
        ...(p.decimals !== undefined ? { decimals: p.decimals } : {}),
        ...(p.min !== undefined ? { min: p.min } : {}),
        ...(p.max !== undefined ? { max: p.max } : {}),
        thresholds: thresholds(p),
        ...(p.mappings ? { mappings: p.mappings } : {}),
        ...(custom !== undefined ? { custom } : {}),
      },
      overrides: [],
    },
    gridPos: { x: 0, y: 0, w: p.width ?? 12, h: p.height ?? 8 },
  };
}

function legend(asTable = false, placement: `${common.LegendPlacement}` = 'bottom'): common.VizLegendOptions {
  return {
    showLegend: true,
    displayMode: lit<common.LegendDisplayMode>(asTable ? 'table' : 'list'),
    placement: lit<common.LegendPlacement>(placement),
    calcs: asTable ? ['mean', 'max', 'lastNotNull'] : [],
  };
}

function tooltip(mode: `${common.TooltipDisplayMode}` = 'multi'): common.VizTooltipOptions {
  return { mode: lit<common.TooltipDisplayMode>(mode), sort: lit<common.SortOrder>(mode === 'multi' ? 'desc' : 'none') };
}

function reduce(calc: 'lastNotNull' | 'sum'): common.ReduceDataOptions {
  return { calcs: [calc], values: false };
}

const ORIENTATION_AUTO = lit<common.VizOrientation>('auto');

export interface TimeseriesPanel extends PanelBase {
  /** Stack the series (parts of a whole). @default false */
  readonly stack?: boolean;
  /** Legend as a table with mean/max/last. @default false */
  readonly legendTable?: boolean;
  /** Draw bars instead of lines (counts per interval). @default false */
  readonly bars?: boolean;
}

function timeseriesFieldConfig(p: TimeseriesPanel): timeseries.FieldConfig {
  return {
    drawStyle: lit<common.GraphDrawStyle>(p.bars ? 'bars' : 'line'),
    lineWidth: 1,
    fillOpacity: p.stack || p.bars ? 60 : 10,
    showPoints: lit<common.VisibilityMode>('never'),
    spanNulls: false,
    stacking: { mode: lit<common.StackingMode>(p.stack ? 'normal' : 'none'), group: 'A' },
    thresholdsStyle: { mode: lit<common.GraphThresholdsStyleMode>(p.thresholds?.length ? 'dashed' : 'off') },
  };
}

function timeseriesOptions(p: TimeseriesPanel): timeseries.Options {
  return { legend: legend(p.legendTable), tooltip: tooltip() };
}

export function timeseriesPanel(p: TimeseriesPanel & { readonly queries: readonly PromQuery[] }): PanelModel<timeseries.Options, timeseries.FieldConfig> {
  return panel('timeseries', p, 'prometheus', p.queries.map(promTarget), timeseriesOptions(p), timeseriesFieldConfig(p));
}

export interface StatPanel extends PanelBase {
  /** Show a sparkline. @default true */
  readonly sparkline?: boolean;
  /** Color the background rather than the value. @default false */
  readonly background?: boolean;
}

function statOptions(p: StatPanel, calc: 'lastNotNull' | 'sum'): stat.Options {
  return {
    reduceOptions: reduce(calc),
    graphMode: lit<common.BigValueGraphMode>(p.sparkline === false ? 'none' : 'area'),
    colorMode: lit<common.BigValueColorMode>(p.background ? 'background' : 'value'),
    justifyMode: lit<common.BigValueJustifyMode>('auto'),
    textMode: lit<common.BigValueTextMode>('auto'),
    wideLayout: true,
    showPercentChange: false,
    percentChangeColorMode: lit<common.PercentChangeColorMode>('standard'),
    orientation: ORIENTATION_AUTO,
  };
}

export function statPanel(p: StatPanel & { readonly queries: readonly PromQuery[] }): PanelModel<stat.Options> {
  return panel('stat', { width: 4, height: 4, ...p }, 'prometheus', p.queries.map(promTarget), statOptions(p, 'lastNotNull'));
}

export function gaugePanel(p: PanelBase & { readonly queries: readonly PromQuery[] }): PanelModel<gauge.Options> {
  const options: gauge.Options = {
    reduceOptions: reduce('lastNotNull'),
    showThresholdMarkers: true,
    showThresholdLabels: false,
    sizing: lit<common.BarGaugeSizing>('auto'),
    minVizWidth: 75,
    minVizHeight: 75,
    orientation: ORIENTATION_AUTO,
  };
  return panel('gauge', { width: 4, height: 6, ...p }, 'prometheus', p.queries.map(promTarget), options);
}

function barGaugeOptions(calc: 'lastNotNull' | 'sum'): bargauge.Options {
  return {
    reduceOptions: reduce(calc),
    displayMode: lit<common.BarGaugeDisplayMode>('gradient'),
    valueMode: lit<common.BarGaugeValueMode>('color'),
    namePlacement: lit<common.BarGaugeNamePlacement>('auto'),
    showUnfilled: true,
    sizing: lit<common.BarGaugeSizing>('auto'),
    minVizWidth: 8,
    minVizHeight: 16,
    maxVizHeight: 300,
    legend: { ...legend(), showLegend: false },
    orientation: lit<common.VizOrientation>('horizontal'),
  };
}

export function barGaugePanel(p: PanelBase & { readonly queries: readonly PromQuery[] }): PanelModel<bargauge.Options> {
  return panel('bargauge', p, 'prometheus', p.queries.map(promTarget), barGaugeOptions('lastNotNull'));
}

function pieOptions(calc: 'lastNotNull' | 'sum'): piechart.Options {
  return {
    reduceOptions: reduce(calc),
    pieType: lit<piechart.PieChartType>('donut'),
    tooltip: tooltip('single'),
    legend: { ...legend(true, 'right'), calcs: [], values: [lit<piechart.PieChartLegendValues>('value'), lit<piechart.PieChartLegendValues>('percent')] },
    orientation: ORIENTATION_AUTO,
  };
}

export function piePanel(p: PanelBase & { readonly queries: readonly PromQuery[] }): PanelModel<piechart.Options> {
  return panel('piechart', p, 'prometheus', p.queries.map(promTarget), pieOptions('lastNotNull'));
}

export interface TablePanel extends PanelBase {
  /** Instant queries in table format; several are merged on their common labels. */
  readonly queries: readonly PromQuery[];
  /** Columns to hide. @default ['Time'] */
  readonly hide?: readonly string[];
  /** Column to sort by, descending. */
  readonly sortBy?: string;
}

export function tablePanel(p: TablePanel): PanelModel<table.Options> {
  const targets = p.queries.map((q) => promTarget({ ...q, instant: true, format: 'table' }));
  const options: table.Options = {
    frameIndex: 0,
    showHeader: true,
    cellHeight: lit<common.TableCellHeight>('sm'),
    ...(p.sortBy ? { sortBy: [{ displayName: p.sortBy, desc: true }] } : {}),
  };
  const model = panel('table', p, 'prometheus', targets, options);
  const exclude = Object.fromEntries((p.hide ?? ['Time']).map((c) => [c, true]));
  model.transformations = [...(targets.length > 1 ? [{ id: 'merge', options: {} }] : []), { id: 'organize', options: { excludeByName: exclude } }];
  return model;
}

/** A heatmap of a Prometheus histogram's buckets (`sum by (le) (increase(<histogram>_bucket[...]))`); Grafana does not re-bucket. */
export function heatmapPanel(p: PanelBase & { readonly query: PromQuery }): PanelModel<heatmap.Options, heatmap.FieldConfig> {
  const options: heatmap.Options = {
    calculate: false,
    yAxis: { unit: p.unit ?? 'short', axisPlacement: lit<common.AxisPlacement>('left') },
    rowsFrame: { layout: lit<common.HeatmapCellLayout>('le') },
    color: { mode: lit<heatmap.HeatmapColorMode>('scheme'), scheme: 'Spectral', fill: 'dark-orange', scale: lit<heatmap.HeatmapColorScale>('exponential'), exponent: 0.5, steps: 64, reverse: false },
    cellValues: { unit: 'short' },
    cellGap: 1,
    showValue: lit<common.VisibilityMode>('never'),
    tooltip: { mode: lit<common.TooltipDisplayMode>('single'), yHistogram: true, showColorScale: false },
    legend: { show: true },
    exemplars: { color: 'rgba(255,0,255,0.7)' },
  };
  const target = promTarget({ legend: '{{le}}', format: 'heatmap', ...p.query });
  return panel('heatmap', { ...p, unit: undefined }, 'prometheus', [target], options, {});
}

export function textPanel(p: { readonly title: string; readonly markdown: string; readonly width?: number; readonly height?: number }): PanelModel<text.Options> {
  return {
    type: 'text',
    title: p.title,
    options: { mode: lit<text.TextMode>('markdown'), content: p.markdown },
    fieldConfig: { defaults: {}, overrides: [] },
    gridPos: { x: 0, y: 0, w: p.width ?? 24, h: p.height ?? 3 },
  };
}

// --- Elasticsearch panels -------------------------------------------------------------

export function esTimeseriesPanel(p: TimeseriesPanel & { readonly queries: readonly EsQuery[] }): PanelModel<timeseries.Options, timeseries.FieldConfig> {
  return panel('timeseries', p, 'elasticsearch', p.queries.map(esTarget), timeseriesOptions(p), timeseriesFieldConfig(p));
}

/** Total of a count over the dashboard's range. */
export function esStatPanel(p: StatPanel & { readonly query: EsQuery }): PanelModel<stat.Options> {
  return panel('stat', { width: 6, height: 4, ...p }, 'elasticsearch', [esTarget(p.query)], statOptions(p, 'sum'));
}

/** Share of each term over the dashboard's range (terms, then a date histogram, summed). */
export function esPiePanel(p: PanelBase & { readonly query: EsQuery }): PanelModel<piechart.Options> {
  return panel('piechart', p, 'elasticsearch', [esTarget(p.query)], pieOptions('sum'));
}

export function esBarGaugePanel(p: PanelBase & { readonly query: EsQuery }): PanelModel<bargauge.Options> {
  return panel('bargauge', p, 'elasticsearch', [esTarget(p.query)], barGaugeOptions('sum'));
}

export function esLogsPanel(p: { readonly title: string; readonly description?: string; readonly query: EsQuery; readonly width?: number; readonly height?: number }): PanelModel<logs.Options> {
  const options: logs.Options = {
    showTime: true,
    wrapLogMessage: true,
    enableLogDetails: true,
    prettifyLogMessage: false,
    showLabels: false,
    showCommonLabels: false,
    showLogContextToggle: false,
    sortOrder: lit<common.LogsSortOrder>('Descending'),
    dedupStrategy: lit<common.LogsDedupStrategy>('none'),
  };
  return {
    type: 'logs',
    title: p.title,
    ...(p.description ? { description: p.description } : {}),
    datasource: datasourceRef('elasticsearch'),
    targets: [esTarget(p.query)],
    options,
    fieldConfig: { defaults: {}, overrides: [] },
    gridPos: { x: 0, y: 0, w: p.width ?? 24, h: p.height ?? 12 },
  };
}

// ---------------------------------------------------------------------------
// Template variables

const ALL: dashboard.VariableOption = { selected: true, text: 'All', value: '$__all' };

/** A multi-value Prometheus query variable with "All" = `.*` (matches series without the label too). */
export function promVariable(name: string, label: string, query: string): dashboard.VariableModel {
  return { ...queryVariable(name, label, 'prometheus', query, '.*'), definition: query };
}

/** A multi-value query variable refreshed with the time range, sorted, with "All" = `allValue`. */
function queryVariable(name: string, label: string, source: 'prometheus' | 'elasticsearch', query: string, allValue: string): dashboard.VariableModel {
  return {
    type: lit<dashboard.VariableType>('query'),
    name,
    label,
    datasource: datasourceRef(source),
    query,
    refresh: 2 as dashboard.VariableRefresh.OnTimeRangeChanged,
    sort: 1 as dashboard.VariableSort.AlphabeticalAsc,
    multi: true,
    includeAll: true,
    allValue,
    current: ALL,
  };
}

/**
 * namespace, service and instance, each narrowed by the ones before it, over
 * the `up` series of the given jobs (`up` exists for every target).
 */
export function targetVariables(jobs: readonly string[]): dashboard.VariableModel[] {
  const jobMatcher = `job=~"${jobs.join('|')}"`;
  return [
    promVariable('namespace', 'Namespace', `label_values(up{${jobMatcher}}, namespace)`),
    promVariable('service', 'Service', `label_values(up{${jobMatcher}, namespace=~"$namespace"}, service)`),
    promVariable('instance', 'Instance', `label_values(up{${jobMatcher}, namespace=~"$namespace", service=~"$service"}, instance)`),
  ];
}

/** Values of an Elasticsearch keyword field; a custom "All" value is used as written (`field:*`). */
export function esTermsVariable(name: string, label: string, field: string): dashboard.VariableModel {
  return queryVariable(name, label, 'elasticsearch', JSON.stringify({ find: 'terms', field }), '*');
}

/** A fixed list of values; "All" selects every one of them. */
export function customVariable(name: string, label: string, values: readonly string[]): dashboard.VariableModel {
  return {
    type: lit<dashboard.VariableType>('custom'),
    name,
    label,
    query: values.join(','),
    options: values.map((v) => ({ selected: false, text: v, value: v })),
    multi: true,
    includeAll: true,
    current: ALL,
  };
}

export function textboxVariable(name: string, label: string, defaultValue: string, description: string): dashboard.VariableModel {
  return {
    type: lit<dashboard.VariableType>('textbox'),
    name,
    label,
    description,
    query: defaultValue,
    current: { selected: true, text: defaultValue, value: defaultValue },
  };
}

// ---------------------------------------------------------------------------
// Dashboard

export interface DashboardRow {
  readonly title: string;
  readonly panels: readonly PanelModel[];
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** Datasources the dashboard queries: it is provisioned only when all are. */
  readonly requires: readonly DatasourceKey[];
  readonly variables: readonly dashboard.VariableModel[];
  readonly rows: readonly DashboardRow[];
  /** @default now-6h */
  readonly from?: string;
  /** @default 30s */
  readonly refresh?: string;
}

/** The dashboard JSON model we emit (the SDK's, with our panel types). */
export interface DashboardJson extends Omit<dashboard.Dashboard, 'panels'> {
  panels: (PanelModel | dashboard.RowPanel)[];
}

/** Every Pynomaly dashboard carries this tag; the dashboard links list them. */
export const PYNOMALY_TAG = 'pynomaly';

/** Grafana's current classic schema version: it migrates nothing on load. */
export const SCHEMA_VERSION = 41;

const GRID_COLUMNS = 24;

/**
 * Builds the dashboard JSON model. Rows are expanded, which in Grafana's
 * model means each row is followed by its panels in the top-level list (an
 * expanded row holding panels shows none). Panels flow left to right and wrap
 * at 24 columns; ids and refIds are numbered in order.
 */
export function buildDashboard(spec: DashboardSpec): DashboardJson {
  const panels: (PanelModel | dashboard.RowPanel)[] = [];
  let y = 0;
  let id = 0;
  for (const row of spec.rows) {
    panels.push({ type: 'row', id: ++id, title: row.title, collapsed: false, panels: [], gridPos: { x: 0, y, w: GRID_COLUMNS, h: 1 } });
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const p of row.panels) {
      const { w, h } = p.gridPos;
      if (x + w > GRID_COLUMNS) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      panels.push({
        ...p,
        id: ++id,
        gridPos: { x, y, w, h },
        ...(p.targets ? { targets: p.targets.map((t, i) => ({ ...t, refId: String.fromCharCode(65 + i) })) } : {}),
      });
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: [PYNOMALY_TAG, ...spec.tags],
    editable: false,
    timezone: 'browser',
    graphTooltip: 1 as dashboard.DashboardCursorSync.Crosshair,
    fiscalYearStartMonth: 0,
    schemaVersion: SCHEMA_VERSION,
    time: { from: spec.from ?? 'now-6h', to: 'now' },
    refresh: spec.refresh ?? '30s',
    // Grafana adds its built-in "Annotations & Alerts" query to an empty list.
    annotations: { list: [] },
    templating: { list: [...spec.variables] },
    links: [
      {
        title: 'Pynomaly dashboards',
        type: lit<dashboard.DashboardLinkType>('dashboards'),
        tags: [PYNOMALY_TAG],
        asDropdown: true,
        includeVars: true,
        keepTime: true,
        targetBlank: false,
        icon: 'external link',
        tooltip: '',
      },
    ],
    panels,
  };
}
