/**
 * The Kubernetes L1 classes (KubeStatefulSet, KubeService, ...) that
 * cdk8s-plus-27 ships, imported on their own: loading all of cdk8s-plus-27
 * costs about 10 ms of every synth for L2 constructs we do not use (they hash
 * names and select on cdk8s-internal labels).
 */
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';

export { k8s };
// Every object we render goes through cdk8s's toJson: in one pass (see fast-resolve.ts).
import './fast-resolve';
