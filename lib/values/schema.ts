/**
 * The values schema: the single source of truth for the TypeScript props of
 * every component, their defaults, runtime validation, `values.schema.json`
 * and the documented `values.yaml`. A component adds its own `values.ts` and
 * one line here.
 */
import { z } from 'zod';
import { alertmanagerValues } from '../alertmanager/values';
import { argocdValues } from '../gitops/values';
import { GrafanaValues, grafanaValues } from '../grafana/values';
import { networkPolicyValues } from '../network/values';
import { prometheusValues } from '../prometheus/values';
import { rulesValues } from '../rules/values';
import { dnsLabel } from './types';

// Each synth parses values a handful of times: zod's JIT (compiling a parser
// per object schema with new Function) costs more than it saves here.
z.config({ jitless: true });

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;

export const valuesSchema = z
  .strictObject({
    namespace: dnsLabel.default('monitoring').describe('Namespace every object is created in'),
    createNamespace: z.boolean().default(true).describe('Render the Namespace object (with Pod Security labels)'),
    instance: dnsLabel.default('pynomaly-monitoring').describe('app.kubernetes.io/instance of every object'),
    environment: dnsLabel.default('dev').describe('Environment name (set from --env), added to every series and alert as the environment label'),
    cluster: z.string().min(1).default('pynomaly').describe('Cluster name, added to every series as the cluster external label'),
    podSecurity: z
      .strictObject({
        enforce: z
          .enum(['restricted', 'baseline', 'privileged'])
          .default('restricted')
          .describe('Pod Security Standard the namespace enforces'),
      })
      .prefault({})
      .describe('Pod Security admission labels of the namespace'),
    prometheus: prometheusValues,
    rules: rulesValues,
    alertmanager: alertmanagerValues,
    grafana: grafanaValues,
    networkPolicies: networkPolicyValues,
    argocd: argocdValues,
  })
  .superRefine(crossComponentChecks)
  .prefault({})
  .describe('pynomaly-monitoring values');

/**
 * Rules that span components: a component switched off must not leave another
 * one pointing at its Service. The issue is reported at the switch the user
 * turned, so the message names the --set or file that did it.
 */
function crossComponentChecks(v: { prometheus: { enabled: boolean }; alertmanager: { enabled: boolean }; grafana: GrafanaValues }, ctx: z.RefinementCtx): void {
  if (!v.grafana.enabled) return;
  for (const component of ['prometheus', 'alertmanager'] as const) {
    const datasource = v.grafana.datasources[component];
    if (v[component].enabled || !datasource.enabled || datasource.url) continue;
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
