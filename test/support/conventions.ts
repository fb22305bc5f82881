/**
 * What every object and every container of every environment must satisfy,
 * whatever component renders it: labels, stable names, selectors, and the
 * secure defaults (non-root, no escalation, no capabilities, seccomp,
 * read-only root, requests and limits, probes, pinned images), and the Pod
 * Security level of the namespace each pod lands in. Shared by the
 * conventions test and the test of a component added in a test.
 */
import { EXPORTER_TARGET_LABEL } from '../../lib/exporters/common';
import { SECURITY_EXCEPTION_ANNOTATION } from '../../lib/core/security';
import { Manifest } from '../../lib/synth/render';
import { PodSpecJson, podTemplateOf, WORKLOAD_KINDS } from './k8s';

/** The objects of each environment: plain YAML and the operator folder. */
export type EnvironmentObjects = (env: string) => readonly Manifest[];

const POD_SECURITY_LABEL = 'pod-security.kubernetes.io/enforce';

const LABELS = ['name', 'instance', 'component', 'part-of', 'managed-by', 'version'].map((l) => `app.kubernetes.io/${l}`);
function podOf(o: Manifest): { spec: PodSpecJson; annotations: Record<string, string>; labels: Record<string, string> } {
  const template = podTemplateOf(o);
  return { spec: template.spec, annotations: template.metadata.annotations ?? {}, labels: template.metadata.labels };
}

const id = (env: string, o: Manifest, extra = ''): string => `${env} ${o.kind}/${o.metadata.name}${extra}`;

/** Defines the convention tests over the objects of `envs`. */
export function conventionTests(envs: readonly string[], objectsOf: EnvironmentObjects): void {
  const all = envs.flatMap((env) => objectsOf(env).map((o) => ({ env, o })));
  const workloads = all.filter(({ o }) => WORKLOAD_KINDS.has(o.kind));
  /** Namespace name -> its enforced Pod Security level, per environment. */
  const levels = (env: string) =>
    new Map(objectsOf(env).filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, (o.metadata as unknown as { labels: Record<string, string> }).labels[POD_SECURITY_LABEL]]));

  describe('every object', () => {
    test('carries the full app.kubernetes.io label set', () => {
      const missing = all.flatMap(({ env, o }) => {
        const labels = (o.metadata as { labels?: Record<string, string> }).labels ?? {};
        return LABELS.filter((l) => !labels[l]).map((l) => id(env, o, ` lacks ${l}`));
      });
      expect(missing).toEqual([]);
    });
    test('has a stable name: no hash suffix, no cdk8s labels', () => {
      const bad = all.filter(({ o }) => /-c8[0-9a-f]{6,}$|-[0-9a-f]{8}$/.test(o.metadata.name) || JSON.stringify(o).includes('cdk8s.io/metadata.addr'));
      expect(bad.map(({ env, o }) => id(env, o))).toEqual([]);
    });
    test('namespaced objects are in one of the environment namespaces; cluster-scoped ones are prefixed with the main one', () => {
      for (const env of envs) {
        const namespaces = [...levels(env).keys()];
        const ns = namespaces[0];
        for (const o of objectsOf(env)) {
          if (o.kind === 'Namespace') continue;
          if (o.kind.startsWith('Cluster')) {
            expect([id(env, o), o.metadata.namespace, o.metadata.name.startsWith(`${ns}-`)]).toEqual([id(env, o), undefined, true]);
          } else if (o.kind !== 'Role' && o.kind !== 'RoleBinding') {
            expect([id(env, o), namespaces.includes(o.metadata.namespace ?? '')]).toEqual([id(env, o), true]);
          }
        }
      }
    });
  });

  describe('selectors', () => {
    test('workloads select on name and instance only (an exporter per instance also on its target), and their pods carry every label', () => {
      expect(workloads.length).toBeGreaterThan(0);
      for (const { env, o } of workloads) {
        const selector = (o.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
        const stable = Object.keys(selector).filter((k) => k !== EXPORTER_TARGET_LABEL).sort();
        expect([id(env, o), stable]).toEqual([id(env, o), ['app.kubernetes.io/instance', 'app.kubernetes.io/name']]);
        const { labels } = podOf(o);
        for (const [k, v] of Object.entries(selector)) expect([id(env, o), k, labels[k]]).toEqual([id(env, o), k, v]);
        for (const l of LABELS) expect([id(env, o), l, typeof labels[l]]).toEqual([id(env, o), l, 'string']);
      }
    });
    test('every Service selects pods of some workload, on ports the pods declare', () => {
      for (const env of envs) {
        const objects = objectsOf(env);
        const pods = objects.filter((o) => WORKLOAD_KINDS.has(o.kind)).map(podOf);
        for (const svc of objects.filter((o) => o.kind === 'Service')) {
          const spec = svc.spec as { selector: Record<string, string>; ports: { name: string; targetPort: string | number }[] };
          expect(Object.keys(spec.selector)).not.toContain('app.kubernetes.io/version');
          const target = pods.find((p) => Object.entries(spec.selector).every(([k, v]) => p.labels[k] === v));
          expect([id(env, svc), target !== undefined]).toEqual([id(env, svc), true]);
          const portNames = target!.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name));
          const portNumbers = target!.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
          for (const p of spec.ports) {
            const ok = typeof p.targetPort === 'string' ? portNames.includes(p.targetPort) : portNumbers.includes(p.targetPort);
            expect([id(env, svc, ` port ${p.name}`), ok]).toEqual([id(env, svc, ` port ${p.name}`), true]);
          }
        }
      }
    });
  });

  describe('secure defaults of every container', () => {
    const containers = workloads.flatMap(({ env, o }) => {
      const pod = podOf(o);
      return [...(pod.spec.initContainers ?? []).map((c) => ({ c, init: true })), ...pod.spec.containers.map((c) => ({ c, init: false }))].map(
        ({ c, init }) => ({ env, o, c, init, pod, name: id(env, o, ` container ${c.name}`) }),
      );
    });

    test('no privilege escalation, no capabilities beyond a stated exception, seccomp RuntimeDefault', () => {
      expect(containers.length).toBeGreaterThan(0);
      for (const { c, pod, name } of containers) {
        const sc = c.securityContext ?? {};
        const exception = pod.annotations[SECURITY_EXCEPTION_ANNOTATION];
        expect([name, sc.allowPrivilegeEscalation, sc.privileged ?? false]).toEqual([name, false, false]);
        expect([name, sc.capabilities?.drop]).toEqual([name, ['ALL']]);
        if (sc.capabilities?.add?.length) expect([name, typeof exception]).toEqual([name, 'string']);
        const seccomp = sc.seccompProfile?.type ?? pod.spec.securityContext?.seccompProfile?.type;
        expect([name, seccomp]).toEqual([name, 'RuntimeDefault']);
      }
    });

    test('non-root with a read-only root filesystem unless the pod states why not', () => {
      for (const { c, pod, name } of containers) {
        const exception = pod.annotations[SECURITY_EXCEPTION_ANNOTATION];
        const sc = c.securityContext ?? {};
        if (sc.readOnlyRootFilesystem !== true || sc.runAsNonRoot === false) {
          expect([name, 'states a reason', (exception ?? '').length > 10]).toEqual([name, 'states a reason', true]);
        } else {
          expect([name, sc.runAsNonRoot ?? pod.spec.securityContext?.runAsNonRoot]).toEqual([name, true]);
        }
      }
    });

    test('requests and memory limits on every container', () => {
      for (const { c, name } of containers) {
        const r = c.resources as unknown as { requests?: Record<string, string>; limits?: Record<string, string> };
        expect([name, typeof r?.requests?.cpu, typeof r?.requests?.memory, typeof r?.limits?.memory]).toEqual([name, 'string', 'string', 'string']);
      }
    });

    test('readiness and liveness probes on every long-running container', () => {
      for (const { c, init, name } of containers) {
        if (init) continue;
        expect([name, c.readinessProbe !== undefined, c.livenessProbe !== undefined]).toEqual([name, true, true]);
      }
    });

    test('images are pinned to a version (never latest, never untagged)', () => {
      for (const { c, name } of containers) {
        expect([name, c.image]).toEqual([name, expect.stringMatching(/^[^:@\s]+(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/)]);
        expect([name, c.image?.endsWith(':latest')]).toEqual([name, false]);
      }
    });

    test('no pod shares the host namespaces without a stated reason', () => {
      for (const { env, o } of workloads) {
        const pod = podOf(o);
        if (pod.spec.hostNetwork || pod.spec.hostPID) expect([id(env, o), typeof pod.annotations[SECURITY_EXCEPTION_ANNOTATION]]).toEqual([id(env, o), 'string']);
      }
    });
  });

  describe('the restricted Pod Security Standard the main namespace enforces', () => {
    // https://kubernetes.io/docs/concepts/security/pod-security-standards/ (restricted profile)
    const ALLOWED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

    test('the main namespace enforces restricted by default', () => {
      for (const env of envs) expect([env, [...levels(env).values()][0]]).toEqual([env, 'restricted']);
    });

    test('every pod in a restricted namespace would be admitted: volume types, host namespaces and ports, users, capabilities', () => {
      for (const { env, o } of workloads) {
        if (levels(env).get(o.metadata.namespace ?? '') !== 'restricted') continue;
        const spec = podOf(o).spec as PodSpecJson;
        const problems: string[] = [];
        for (const v of spec.volumes ?? []) {
          const type = Object.keys(v).find((k) => k !== 'name')!;
          if (!ALLOWED_VOLUMES.has(type)) problems.push(`volume ${String(v.name)} is ${type}`);
        }
        if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push('shares a host namespace');
        if (spec.securityContext?.runAsUser === 0) problems.push('pod runs as UID 0');
        for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
          if ((c.ports ?? []).some((p) => p.hostPort)) problems.push(`${c.name} uses a hostPort`);
          if (c.securityContext?.runAsUser === 0) problems.push(`${c.name} runs as UID 0`);
          const added = c.securityContext?.capabilities?.add ?? [];
          if (added.some((cap) => cap !== 'NET_BIND_SERVICE')) problems.push(`${c.name} adds ${added.join(',')}`);
        }
        expect([id(env, o), problems]).toEqual([id(env, o), []]);
      }
    });
  });
}
