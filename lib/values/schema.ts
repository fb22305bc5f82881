/**
 * The values schema: the single source of truth for the TypeScript props of
 * every component, their defaults, runtime validation, `values.schema.json`
 * and the documented `values.yaml`. Stack-wide settings are here; each
 * component's values come from its registry entry (lib/registry.ts).
 */
import * as z from 'zod';
import type { ComponentDefinition } from '../core/component';
import { argocdValues } from '../gitops/values';
import { COMPONENTS } from '../registry';
import { dnsLabel } from './types';

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;

const podSecurityLevel = z.enum(['restricted', 'baseline', 'privileged']);

/** `{ <key>: <values schema> }` of every registered component, in registry order. */
type ComponentShapes<R extends readonly ComponentDefinition[]> = { [D in R[number] as D['key']]: D['values'] };

function componentShapes<R extends readonly ComponentDefinition[]>(registry: R): ComponentShapes<R> {
  return Object.fromEntries(registry.map((d) => [d.key, d.values])) as ComponentShapes<R>;
}

export const valuesSchema = z
  .strictObject({
    namespace: dnsLabel.default('monitoring').describe('Namespace every object is created in'),
    createNamespace: z.boolean().default(true).describe('Render the Namespace object (with Pod Security labels)'),
    instance: dnsLabel.default('pynomaly-monitoring').describe('app.kubernetes.io/instance of every object'),
    environment: dnsLabel.default('dev').describe('Environment name (set from --env), added to every series and alert as the environment label'),
    cluster: z.string().min(1).default('pynomaly').describe('Cluster name, added to every series as the cluster external label'),
    podSecurity: z
      .strictObject({
        enforce: podSecurityLevel
          .default('restricted')
          .describe('Pod Security Standard the namespace enforces'),
      })
      .prefault({})
      .describe('Pod Security admission labels of the namespace'),
    hostAgents: z
      .strictObject({
        namespace: dnsLabel
          .optional()
          .describe('Namespace of the host agents (node-exporter: host network, host PID, hostPath, which the restricted level refuses); unset: <namespace>-host-agents'),
        podSecurity: z
          .strictObject({
            enforce: podSecurityLevel.default('privileged').describe('Pod Security Standard the host agents\' namespace enforces'),
          })
          .prefault({})
          .describe('Pod Security admission labels of the host agents\' namespace'),
      })
      .prefault({})
      .describe('The second namespace, for components that need the host (created only when one of them is enabled)'),
    ...componentShapes(COMPONENTS),
    argocd: argocdValues,
  })
  .superRefine(crossComponentChecks)
  .prefault({})
  .describe('pynomaly-monitoring values');

/**
 * Rules that span components: a component switched off must not leave another
 * one pointing at its Service (Grafana's datasource of a registered component).
 * The issue is reported at the switch the user turned, so the message names
 * the --set or file that did it.
 */
function crossComponentChecks(values: { namespace: string; hostAgents: { namespace?: string } }, ctx: z.RefinementCtx): void {
  if (values.hostAgents.namespace === values.namespace) {
    ctx.addIssue({ code: 'custom', path: ['hostAgents', 'namespace'], message: 'must differ from namespace: host agents need a Pod Security level the main namespace does not allow' });
  }
  const v = values as unknown as Record<string, { enabled?: boolean }> & { grafana: { enabled: boolean; datasources: Record<string, { enabled: boolean; url?: string } | undefined> } };
  if (!v.grafana.enabled) return;
  for (const { key: component } of COMPONENTS as readonly ComponentDefinition[]) {
    const datasource = v.grafana.datasources[component];
    if (!datasource || v[component].enabled !== false || !datasource.enabled || datasource.url) continue;
    ctx.addIssue({
      code: 'custom',
      path: [component, 'enabled'],
      message: `Grafana's ${component} datasource points at our ${component}: with ${component}.enabled=false set grafana.datasources.${component}.url (an existing ${component}) or grafana.datasources.${component}.enabled=false`,
    });
  }
}

/** Values after defaults are applied: what components receive. */
export type Values = z.output<typeof valuesSchema>;
/** What a values file or --set may hold: everything optional. */
export type ValuesInput = z.input<typeof valuesSchema>;
