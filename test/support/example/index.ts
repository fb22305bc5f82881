/**
 * A component that exists only in the tests: what adding a component takes.
 * One folder (its values and its Construct with a registry entry) and one
 * line in the registry; nothing else in lib/ knows about it. It lives in the
 * host agents' namespace, is scraped by Prometheus, and sends test alerts to
 * the Alertmanager it learns from the built construct.
 */
import { Construct } from 'constructs';
import { z } from 'zod';
import { ComponentConstruct, ComponentDefinition, ComponentProps, MonitoringComponent, ServiceEndpoint } from '../../../lib/core/component';
import { container, deployment, httpProbe, service } from '../../../lib/core/workload';
import { edgeTo, GraphContext } from '../../../lib/network/components';
import type { ComponentPeer, Edge } from '../../../lib/network/graph';
import { enabled, image, resources } from '../../../lib/values/types';

export const EXAMPLE = {
  name: 'example-agent',
  component: 'example',
  port: { name: 'http-metrics', port: 9797 },
  uid: 65534,
} as const;

export const exampleValues = z
  .strictObject({
    enabled: enabled(true, 'the example agent'),
    image: image({ repository: 'docker.io/example/agent', tag: '1.2.3' }),
    resources: resources({ requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } }),
  })
  .prefault({})
  .describe('An example agent (tests only)');

export type ExampleValues = z.output<typeof exampleValues>;

export interface ExampleAgentProps extends ComponentProps {
  /** Its values. @default {} */
  readonly values?: NonNullable<z.input<typeof exampleValues>>;
  /** The Alertmanager it sends test alerts to. @default none */
  readonly alertmanager?: ServiceEndpoint;
}

export class ExampleAgent extends ComponentConstruct<ExampleValues> {
  public readonly services: readonly ServiceEndpoint[];
  public readonly deployment: import('../../../lib/core/k8s').k8s.KubeDeployment;
  private readonly alertmanager?: ServiceEndpoint;

  public constructor(scope: Construct, id: string, props: ExampleAgentProps = {}) {
    super(scope, id, props, { ...EXAMPLE, job: EXAMPLE.name, targetKey: 'exampleAgent' }, exampleValues.parse(props.values ?? {}));
    this.alertmanager = props.alertmanager;
    this.services = [this.endpoint];
    service(this, 'service', { name: EXAMPLE.name, identity: this.identity, ports: [EXAMPLE.port] });
    const agent = container({
      name: EXAMPLE.name,
      image: this.values.image,
      args: this.alertmanager ? [`--alertmanager.url=${this.alertmanager.url}`] : [],
      ports: [EXAMPLE.port],
      resources: this.values.resources,
      readinessProbe: httpProbe('/ready', EXAMPLE.port.name),
      livenessProbe: httpProbe('/healthy', EXAMPLE.port.name),
    });
    this.deployment = deployment(this, 'deployment', { name: EXAMPLE.name, pod: { identity: this.identity, containers: [agent], runAsUser: EXAMPLE.uid } });
  }

  public override networkEdges(g: GraphContext, self: ComponentPeer): Edge[] {
    return this.alertmanager ? [edgeTo(g, self, this.alertmanager.url, () => 'send test alerts')] : [];
  }
}

export const exampleComponent: ComponentDefinition<typeof exampleValues, 'exampleAgent'> = {
  key: 'exampleAgent',
  values: exampleValues,
  namespace: 'hostAgents',
  uses: ['alertmanager'],
  build(ctx) {
    const chart = ctx.chart(EXAMPLE.name, ctx.identity(EXAMPLE.name, EXAMPLE.component, ctx.values.image.tag));
    const alertmanager = ctx.component<MonitoringComponent & { endpoint: ServiceEndpoint }>('alertmanager');
    return new ExampleAgent(chart, 'agent', { values: ctx.values, namespace: ctx.namespace, instance: ctx.stack.instance, alertmanager: alertmanager?.endpoint });
  },
};
