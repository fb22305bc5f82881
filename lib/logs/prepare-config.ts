/**
 * The Elastic images keep their config folder on the root filesystem and
 * write into it at start (Elasticsearch its keystore, Logstash's env2yaml its
 * logstash.yml). With a read-only root, an init container copies that folder
 * into an emptyDir (`config-local`, mounted over it) and adds our files.
 */
import { k8s } from '../core/k8s';
import { containerSecurityContext } from '../core/security';
import { ImageValues, imageRef, resourceRequirements } from '../core/workload';

/** Where the init container sees the emptyDir. */
export const CONFIG_LOCAL_MOUNT = '/mnt/config-local';

/**
 * The `prepare-config` init container: runs `<staticDir>/prepare.sh` from the
 * component's ConfigMap (volume `config`) with the emptyDir (volume `config-local`).
 */
export function prepareConfigContainer(image: ImageValues, staticDir: string): k8s.Container {
  return {
    name: 'prepare-config',
    image: imageRef(image),
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/bash', `${staticDir}/prepare.sh`],
    resources: resourceRequirements({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } }),
    volumeMounts: [
      { name: 'config-local', mountPath: CONFIG_LOCAL_MOUNT },
      { name: 'config', mountPath: staticDir, readOnly: true },
    ],
    securityContext: containerSecurityContext(),
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

/** prepare.sh: the image's config folder into the emptyDir, then `files` (from `staticDir`) over it. */
export function prepareConfigScript(configDir: string, staticDir: string, files: readonly string[]): string {
  return ['#!/bin/bash', 'set -euo pipefail', `cp -a ${configDir}/. ${CONFIG_LOCAL_MOUNT}/`, `cp ${files.map((f) => `${staticDir}/${f}`).join(' ')} ${CONFIG_LOCAL_MOUNT}/`, ''].join('\n');
}
