/**
 * lib/values/parsed.ts: a construct built from the registry gets the section
 * of the parsed values its schema made and does not parse it again. Safe only
 * while parsing a parsed section changes nothing: checked for every component
 * of every environment.
 */
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import * as z from 'zod';
import { COMPONENTS } from '../lib/registry';
import { loadValues } from '../lib/values/load';
import { parseSettings, rememberSections } from '../lib/values/parsed';
import { ENVIRONMENTS } from '../lib/values/schema';
import { ROOT } from './support/stack';

const sectionsOf = (env: string) => {
  const values = loadValues({ env, valuesDir: join(ROOT, 'values'), baseLayer: { environment: env } }) as unknown as Record<string, unknown>;
  return COMPONENTS.map((d) => ({ key: d.key, schema: d.values as z.ZodType, section: values[d.key] }));
};

test.each(ENVIRONMENTS)('%s: every component schema gives back exactly the section it made (parsing again changes nothing)', (env) => {
  const sections = sectionsOf(env);
  expect(sections.length).toBe(COMPONENTS.length);
  for (const { key, schema, section } of sections) {
    const again = schema.parse(section);
    expect({ key, same: isDeepStrictEqual(again, section) }).toEqual({ key, same: true });
  }
});

test('a section its own schema made is taken as it is; a copy, another schema or plain input is parsed', () => {
  const schema = z.strictObject({ port: z.number().default(9090) });
  const other = z.strictObject({ port: z.number().default(1) });
  const values = { a: schema.parse({}) };
  rememberSections(values, { a: schema });
  expect(parseSettings(schema, values.a)).toBe(values.a);
  const copy = { ...values.a };
  expect(parseSettings(schema, copy)).not.toBe(copy);
  expect(parseSettings(schema, copy)).toEqual({ port: 9090 });
  expect(parseSettings(other, values.a)).not.toBe(values.a);
  expect(parseSettings(schema, undefined)).toEqual({ port: 9090 });
  expect(() => parseSettings(schema, { port: 'x' })).toThrow();
});

test('values loaded for an environment are remembered: the constructs receive them without a second parse', () => {
  const [{ schema, section }] = sectionsOf('prod');
  expect(parseSettings(schema, section)).toBe(section);
});
