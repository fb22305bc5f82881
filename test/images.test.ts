/**
 * The README's image table is the one generated from the code, and it lists
 * exactly the images the synthesized workloads run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGES_BEGIN, IMAGES_END, imageRows, imagesTable, withImagesTable } from '../lib/images';
import { podTemplateOf, WORKLOAD_KINDS } from './support/k8s';
import { ENVIRONMENTS, envObjects, ROOT } from './support/stack';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

test('the README holds the generated image table (else: npm run readme)', () => {
  const between = readme.slice(readme.indexOf(IMAGES_BEGIN) + IMAGES_BEGIN.length, readme.indexOf(IMAGES_END)).trim();
  expect(between).toBe(imagesTable());
  expect(withImagesTable(readme)).toBe(readme);
});

test('the table lists exactly the images the environments run (init containers included)', () => {
  const running = new Set(
    ENVIRONMENTS.flatMap((env) =>
      envObjects(env, { includeSubfolders: true })
        .filter((o) => WORKLOAD_KINDS.has(o.kind))
        .flatMap((o) => {
          const spec = podTemplateOf(o).spec;
          return [...spec.containers, ...(spec.initContainers ?? [])].map((c) => c.image);
        }),
    ),
  );
  const listed = new Set(imageRows().map((r) => `${r.repository}:${r.tag}`));
  expect([...running].sort()).toEqual([...listed].sort());
});

test('control: a changed version or a missing marker is seen', () => {
  const rows = imageRows();
  expect(rows.length).toBeGreaterThan(10);
  const changed = imagesTable([{ ...rows[0], tag: 'v0.0.1' }, ...rows.slice(1)]);
  expect(withImagesTable(readme, changed)).not.toBe(readme);
  expect(() => withImagesTable(readme.replace(IMAGES_END, ''))).toThrow(/no image table markers/);
});
