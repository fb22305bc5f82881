/**
 * The component registry: one entry per component, each exported by its own
 * folder. The order here is the order of the values keys, of the files in the
 * Kustomization and of the objects in the Helm chart. A new component is its
 * folder (values.ts, index.ts with a Construct and a `defineComponent` entry)
 * and one line here.
 */
import { alertmanagerComponent } from './alertmanager';
import { elasticsearchComponent } from './elasticsearch';
import { blackboxExporterComponent, elasticsearchExporterComponent, nodeExporterComponent, postgresExporterComponent, redisExporterComponent } from './exporters';
import { grafanaComponent } from './grafana';
import { ingressComponent } from './ingress';
import { jaegerComponent } from './jaeger';
import { jaegerIndexCleanerComponent } from './jaeger/index-cleaner';
import { kibanaComponent } from './kibana';
import { logsBootstrapComponent } from './logs-bootstrap';
import { logstashComponent } from './logstash';
import { networkPoliciesComponent } from './network';
import { oauth2ProxyComponent } from './oauth2-proxy';
import { prometheusComponent } from './prometheus';
import { rulesComponent } from './rules';

export const COMPONENTS = [
  prometheusComponent,
  rulesComponent,
  alertmanagerComponent,
  grafanaComponent,
  elasticsearchComponent,
  logstashComponent,
  kibanaComponent,
  logsBootstrapComponent,
  nodeExporterComponent,
  redisExporterComponent,
  postgresExporterComponent,
  elasticsearchExporterComponent,
  blackboxExporterComponent,
  jaegerComponent,
  jaegerIndexCleanerComponent,
  ingressComponent,
  oauth2ProxyComponent,
  networkPoliciesComponent,
] as const;
