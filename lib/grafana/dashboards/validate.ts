/**
 * Checks a dashboard JSON model is one Grafana's file provider loads as we
 * mean it: the top-level model (not the `{"dashboard": ...}` envelope of the
 * HTTP API, which the provider would load as an untitled empty dashboard), a
 * uid and a title, and no deprecated Angular panel (Grafana 12 no longer
 * renders them).
 */
import { ValuesError } from '../../values/errors';

/** Angular panels and what replaces them. */
export const DEPRECATED_PANEL_TYPES: Readonly<Record<string, string>> = {
  'grafana-piechart-panel': 'piechart',
  'grafana-worldmap-panel': 'geomap',
  'grafana-singlestat-panel': 'stat',
  singlestat: 'stat',
  graph: 'timeseries',
  'table-old': 'table',
};

/** Grafana's uid rule: at most 40 characters of letters, digits, - and _. */
const UID = /^[a-zA-Z0-9_-]{1,40}$/;

export interface DashboardModel {
  readonly uid: string;
  readonly title: string;
  readonly panels?: readonly PanelModel[];
  readonly [key: string]: unknown;
}

export interface PanelModel {
  readonly type?: string;
  readonly title?: string;
  readonly panels?: readonly PanelModel[];
  readonly [key: string]: unknown;
}

/** Every panel, rows' nested (collapsed) panels included. */
export function allPanels(model: { panels?: readonly PanelModel[] }): PanelModel[] {
  return (model.panels ?? []).flatMap((p) => [p, ...allPanels(p)]);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates a parsed dashboard; `source` names it in errors (a values key or a file). */
export function checkDashboardModel(model: unknown, source: string): DashboardModel {
  if (!isObject(model)) throw new ValuesError(`${source}: expected a dashboard JSON object`);
  if (isObject(model.dashboard) && model.panels === undefined) {
    throw new ValuesError(`${source}: the dashboard is wrapped in {"dashboard": ...} (the HTTP API's envelope); provision the inner object itself`);
  }
  if (typeof model.uid !== 'string' || !UID.test(model.uid)) {
    throw new ValuesError(`${source}: needs a "uid" of at most 40 letters, digits, - or _ (dashboards are provisioned by uid), got ${JSON.stringify(model.uid)}`);
  }
  if (typeof model.title !== 'string' || model.title.trim() === '') {
    throw new ValuesError(`${source}: needs a non-empty "title"`);
  }
  if (model.panels !== undefined && !Array.isArray(model.panels)) throw new ValuesError(`${source}: "panels" must be a list`);
  for (const panel of allPanels(model as DashboardModel)) {
    const type = typeof panel.type === 'string' ? panel.type : '';
    const replacement = DEPRECATED_PANEL_TYPES[type];
    if (replacement) {
      throw new ValuesError(
        `${source}: panel ${JSON.stringify(panel.title ?? '(untitled)')} uses the deprecated Angular panel "${type}", which Grafana 12 does not render; use the core "${replacement}" panel`,
      );
    }
  }
  return model as DashboardModel;
}

/** Fails when two dashboards share a uid (Grafana would load only one of them). */
export function checkUniqueUids(dashboards: readonly { readonly uid: string; readonly source: string }[]): void {
  const seen = new Map<string, string>();
  for (const d of dashboards) {
    const other = seen.get(d.uid);
    if (other) throw new ValuesError(`${d.source}: dashboard uid "${d.uid}" is already used by ${other}`);
    seen.set(d.uid, d.source);
  }
}
