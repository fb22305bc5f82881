/**
 * Every container image the stack deploys, read from the default values (each
 * image is a `{repository, tag}` value, `lib/values/types.ts`), rendered as
 * the README's image table. `npm run readme` rewrites the table between its
 * markers; a test fails when the README's table differs from this one.
 */
import { defaultValues } from './values/load';

export interface ImageRow {
  /** Values key of the image, e.g. `prometheus.configReloader.image`. */
  readonly key: string;
  readonly repository: string;
  readonly tag: string;
}

/** Every image of the default values, in values order. */
export function imageRows(values: unknown = defaultValues()): ImageRow[] {
  const rows: ImageRow[] = [];
  const walk = (node: unknown, path: readonly string[]): void => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
    const { repository, tag } = node as { repository?: unknown; tag?: unknown };
    if (typeof repository === 'string' && typeof tag === 'string') {
      rows.push({ key: path.join('.'), repository, tag });
      return;
    }
    for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
  };
  walk(values, []);
  return rows;
}

export const IMAGES_BEGIN = '<!-- images:begin: generated from the default values by `npm run readme`; do not edit -->';
export const IMAGES_END = '<!-- images:end -->';

/** The Markdown table, one row per image. */
export function imagesTable(rows: readonly ImageRow[] = imageRows()): string {
  return ['| values key | image | version |', '|---|---|---|', ...rows.map((r) => `| \`${r.key}\` | \`${r.repository}\` | ${r.tag} |`)].join('\n');
}

/** `readme` with the text between the markers replaced by the table; throws without both markers. */
export function withImagesTable(readme: string, table = imagesTable()): string {
  const begin = readme.indexOf(IMAGES_BEGIN);
  const end = readme.indexOf(IMAGES_END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no image table markers (${IMAGES_BEGIN} ... ${IMAGES_END})`);
  return `${readme.slice(0, begin + IMAGES_BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}
