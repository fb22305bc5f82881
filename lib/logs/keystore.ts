/**
 * Secure settings of the Elastic images from Secret files into their
 * keystores, as ECK does: a `keystore` init container (the component's image,
 * the secure defaults) mounts the emptyDir that holds the config folder
 * (`config-local`, filled by prepare-config) and the Secret's files, creates
 * the keystore there and adds each value from a pipe: never an argument, an
 * environment variable or the synthesized YAML. The main container reads the
 * keystore at start; a rotated Secret is taken on the next pod start (the
 * emptyDir is new for every pod).
 *
 * The three tools differ (checked against their sources, see the README):
 * - elasticsearch-keystore: `create`, `add --stdin --force <setting>`.
 * - kibana-keystore (config folder, KBN_PATH_CONF): `create`, `add <key>
 *   --stdin --force`; it JSON-parses the value it reads, so a value is sent
 *   as a JSON string (a numeric password would otherwise become a number).
 * - logstash-keystore (`path.settings`, the folder of logstash.yml): `create`
 *   asks whether to go on without a keystore password (LOGSTASH_KEYSTORE_PASS,
 *   which would be a credential in the environment again) and `add` asks
 *   before overwriting: the keystore is created afresh, `y` on stdin; values
 *   must be ASCII, and are read from stdin (`--stdin` is accepted).
 */
import { k8s } from '../core/k8s';
import { containerSecurityContext } from '../core/security';
import { ImageValues, imageRef, ResourceValues, resourceRequirements, secretFilesVolume } from '../core/workload';

/** Where the keystore init container reads the Secret files. */
export const KEYSTORE_SECRETS_DIR = '/mnt/keystore-secrets';

export type KeystoreTool = 'elasticsearch' | 'kibana' | 'logstash';

/** One keystore entry: the setting (Logstash: the `${KEY}` name) and the file of the Secret volume it comes from. */
export interface KeystoreEntry {
  readonly setting: string;
  readonly file: string;
}

/**
 * `value FILE`: a Secret file's value as the logs bootstrap reads it (`$(cat)`:
 * trailing newlines dropped), refused when empty or with control characters.
 */
const READ_VALUE = [
  'value() {',
  '  local v; v=$(cat "$1")',
  '  case "$v" in "" | *[[:cntrl:]]*) echo "$1: empty, or with control characters: not added to the keystore" >&2; return 1 ;; esac',
  '  printf \'%s\' "$v"',
  '}',
];

interface Tool {
  readonly file: string;
  /** Defines `put FILE SETTING`: the value read first (a bad file stops the script before the tool runs), then piped. */
  readonly put: readonly string[];
  readonly create: string;
}

const TOOLS: Readonly<Record<KeystoreTool, Tool>> = {
  elasticsearch: {
    file: 'elasticsearch.keystore',
    put: ['put() { bin/elasticsearch-keystore add --stdin --force "$2" < "$1"; }'],
    create: '[ -f config/elasticsearch.keystore ] || bin/elasticsearch-keystore create',
  },
  kibana: {
    file: 'kibana.keystore',
    // A JSON string: backslashes and double quotes escaped (control characters were refused).
    put: [...READ_VALUE, 'put() {', '  local v; v=$(value "$1")', '  v=$(printf \'%s\' "$v" | sed -e \'s/[\\\\"]/\\\\&/g\')', '  printf \'"%s"\' "$v" | bin/kibana-keystore add "$2" --stdin --force', '}'],
    create: '[ -f config/kibana.keystore ] || bin/kibana-keystore create',
  },
  logstash: {
    file: 'logstash.keystore',
    put: [
      ...READ_VALUE,
      'put() {',
      '  local v; v=$(value "$1")',
      '  if LC_ALL=C grep -q \'[^ -~]\' <<< "$v"; then echo "$1: logstash-keystore takes ASCII only" >&2; return 1; fi',
      '  printf \'%s\\n\' "$v" | bin/logstash-keystore add "$2" --stdin',
      '}',
    ],
    // A fresh keystore, so `add` never asks before overwriting; `y`: no keystore password (see above).
    create: 'rm -f config/logstash.keystore && echo y | bin/logstash-keystore create',
  },
};

/** The keystore's file name in the config folder. */
export function keystoreFile(tool: KeystoreTool): string {
  return TOOLS[tool].file;
}

/** The init container's script: in the component's home, create the keystore in config/ and add every entry. */
export function keystoreScript(tool: KeystoreTool, home: string, entries: readonly KeystoreEntry[]): string {
  const t = TOOLS[tool];
  return ['set -euo pipefail', ...t.put, `cd ${home}`, t.create, ...entries.map((e) => `put ${KEYSTORE_SECRETS_DIR}/${e.file} ${e.setting}`), ''].join('\n');
}

/** A keystore entry and the key of a user-provided Secret it comes from. */
export interface KeystoreSecret extends KeystoreEntry {
  readonly ref: { readonly name?: string; readonly key: string };
}

/** The volume of the Secret files the keystore init container reads. */
export const KEYSTORE_SECRETS_VOLUME = 'keystore-secrets';

export interface KeystoreOptions {
  readonly tool: KeystoreTool;
  readonly image: ImageValues;
  /** The image's home (bin/ and config/ below it). */
  readonly home: string;
  /** Where the `config-local` emptyDir is mounted: the folder the tool writes its keystore to. */
  readonly configDir: string;
  /** What goes into the keystore, from which Secret key. */
  readonly secrets: readonly KeystoreSecret[];
  /** The pod's writable /tmp (an emptyDir), for the tools' temporary files. */
  readonly tmpDir: string;
  readonly env?: readonly k8s.EnvVar[];
  /** @default requests 50m/256Mi, limit 512Mi */
  readonly resources?: ResourceValues;
}

/** The `keystore` init container, and the volume of the Secret files it reads (the pod's `tmp` emptyDir is mounted at `tmpDir`). */
export function keystoreInit(o: KeystoreOptions): { container: k8s.Container; volume: k8s.Volume } {
  const container: k8s.Container = {
    name: 'keystore',
    image: imageRef(o.image),
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/bash', '-c', keystoreScript(o.tool, o.home, o.secrets)],
    ...(o.env?.length ? { env: [...o.env] } : {}),
    resources: resourceRequirements(o.resources ?? { requests: { cpu: '50m', memory: '256Mi' }, limits: { memory: '512Mi' } }),
    volumeMounts: [
      { name: 'config-local', mountPath: o.configDir },
      { name: 'tmp', mountPath: o.tmpDir },
      { name: KEYSTORE_SECRETS_VOLUME, mountPath: KEYSTORE_SECRETS_DIR, readOnly: true },
    ],
    securityContext: containerSecurityContext(),
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
  return { container, volume: secretFilesVolume(KEYSTORE_SECRETS_VOLUME, o.secrets.map((s) => ({ ref: s.ref, path: s.file }))) };
}
