/**
 * The API server refuses an object over 1 MiB (etcd's limit; a ConfigMap's
 * data is held to 1 MiB). Content that can grow with the values (rule files,
 * rule groups) is packed into as many objects as it needs, each under the
 * limit with room for metadata; one piece too large for any object is an error.
 */

/** Most bytes of content in one object, leaving room for its metadata. */
export const MAX_OBJECT_CONTENT_BYTES = 1024 * 1024 - 32 * 1024;

export function byteSize(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * `items` in order, in consecutive chunks of at most `max` bytes each (by
 * `size`). `tooLarge` says why an item that fits no chunk is refused.
 */
export function packBySize<T>(items: readonly T[], size: (item: T) => number, tooLarge: (item: T, bytes: number) => Error, max = MAX_OBJECT_CONTENT_BYTES): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const item of items) {
    const bytes = size(item);
    if (bytes > max) throw tooLarge(item, bytes);
    if (current.length && used + bytes > max) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += bytes;
  }
  if (current.length || chunks.length === 0) chunks.push(current);
  return chunks;
}

/** `name`, `name-2`, `name-3`, ...: the objects (or files) one piece of content is split into. */
export function partName(name: string, index: number, suffix = ''): string {
  return index === 0 ? `${name}${suffix}` : `${name}-${index + 1}${suffix}`;
}

export function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}
