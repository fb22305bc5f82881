/**
 * The workload helpers of lib/core (Deployment, DaemonSet, Job, CronJob,
 * secret-file volumes), alone in a chart: valid objects that meet the
 * conventions every component's workloads meet.
 */
import { App, Chart } from 'cdk8s';
import { k8s } from '../lib/core/k8s';
import { AppIdentity, commonLabels } from '../lib/core/labels';
import { checksumOfTexts, container, cronJob, daemonSet, deployment, httpProbe, job, secretFilesVolume } from '../lib/core/workload';
import { Manifest } from '../lib/synth/render';
import { conventionTests } from './support/conventions';
import { KubernetesValidator } from './support/k8s-schema';
import { podOf } from './support/k8s';

const identity: AppIdentity = { name: 'helper', instance: 'test', component: 'test', version: '1.0.0' };
const chart = new Chart(new App({ outdir: '/nonexistent-cdk8s-outdir' }), 'helpers', { namespace: 'helpers', labels: commonLabels(identity), disableResourceNameHashes: true });
const port = { name: 'http', port: 8080 };
const server = container({
  name: 'server',
  image: { repository: 'docker.io/example/server', tag: '1.0.0' },
  ports: [port],
  resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
  readinessProbe: httpProbe('/ready', port.name),
  livenessProbe: httpProbe('/healthy', port.name),
});
const credentials = secretFilesVolume('credentials', [
  { ref: { name: 'one', key: 'user' }, path: 'user' },
  { ref: { name: 'two', key: 'password' }, path: 'password' },
]);
new k8s.KubeNamespace(chart, 'namespace', { metadata: { name: 'helpers', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
const pod = { identity, containers: [server], runAsUser: 65534, volumes: [credentials] };
deployment(chart, 'deployment', { name: 'helper-deployment', replicas: 2, pod });
daemonSet(chart, 'daemonset', { name: 'helper-daemonset', pod });
job(chart, 'job', { name: 'helper-job', pod });
cronJob(chart, 'cronjob', { name: 'helper-cronjob', schedule: '0 3 * * *', pod });
const objects = chart.toJson() as Manifest[];

const byKind = (kind: string) => objects.find((o) => o.kind === kind)!;

test('every helper renders a valid object', () => {
  const validator = new KubernetesValidator();
  expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'PodDisruptionBudget', 'Deployment', 'DaemonSet', 'Job', 'CronJob']);
  expect(objects.filter((o) => validator.validate(o).length > 0).map((o) => o.kind)).toEqual([]);
});

test('a Deployment of several replicas is spread across nodes, rolls without downtime, and has a disruption budget', () => {
  expect(byKind('PodDisruptionBudget').spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: (byKind('Deployment').spec as { selector: { matchLabels: object } }).selector.matchLabels } });
  const spec = byKind('Deployment').spec as { strategy: { rollingUpdate: { maxUnavailable: number } }; template: { spec: { affinity?: unknown } } };
  expect(spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  expect(spec.template.spec.affinity).toBeDefined();
});

test('Jobs never restart in place, and a CronJob never overlaps itself', () => {
  expect(podOf(objects, 'Job', 'helper-job').spec).toMatchObject({ restartPolicy: 'Never' });
  expect(byKind('CronJob').spec).toMatchObject({ concurrencyPolicy: 'Forbid', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never' } } } } });
});

test('keys of two Secrets make one projected volume, readable by the group only', () => {
  expect(credentials).toEqual({
    name: 'credentials',
    projected: {
      defaultMode: 0o440,
      sources: [
        { secret: { name: 'one', items: [{ key: 'user', path: 'user' }] } },
        { secret: { name: 'two', items: [{ key: 'password', path: 'password' }] } },
      ],
    },
  });
});

conventionTests(['helpers'], () => objects);

test('checksumOfTexts frames each text: moving a boundary or splitting a text changes it', () => {
  const sum = checksumOfTexts(['ab', 'c']);
  expect(sum).toMatch(/^[0-9a-f]{64}$/);
  expect(checksumOfTexts(['ab', 'c'])).toBe(sum);
  expect(checksumOfTexts(['a', 'bc'])).not.toBe(sum);
  expect(checksumOfTexts(['abc'])).not.toBe(sum);
  expect(checksumOfTexts(['ab', 'c', ''])).not.toBe(sum);
});
