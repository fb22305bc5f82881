/** Byte counts of Kubernetes memory quantities and JVM heap sizes. */

const KUBE_SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

/** Bytes of a Kubernetes memory quantity (`512Mi`, `2G`, `1e9`, `1073741824`). */
export function quantityBytes(q: string): number {
  const m = /^(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m))?$/.exec(q);
  if (!m) throw new Error(`not a memory quantity: ${q}`);
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  if (m[3] === 'm') return base / 1000;
  return base * KUBE_SUFFIX[m[3] ?? ''];
}

/** A JVM heap size as -Xmx takes it: `512m`, `2g` (binary units). */
export const JVM_SIZE = /^[1-9]\d*[mMgG]$/;

/** Bytes of a JVM heap size (`512m`, `2g`). */
export function jvmSizeBytes(size: string): number {
  if (!JVM_SIZE.test(size)) throw new Error(`not a JVM heap size: ${size}`);
  const n = Number(size.slice(0, -1));
  return /[gG]$/.test(size) ? n * 1024 ** 3 : n * 1024 ** 2;
}
