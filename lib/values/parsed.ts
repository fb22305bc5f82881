/**
 * Component settings that the values schema has already parsed.
 *
 * A component construct parses its `values` prop with its own schema (props
 * are inputs, as in cdk8s: a construct made by hand gets its defaults). Built
 * from the registry, its values are the very section of the parsed Values that
 * its registry schema made; when the construct's schema is that same schema,
 * parsing again changes nothing, and was a quarter of building the objects
 * (zod without its JIT, measured). Sections are remembered by identity with
 * the schema that made them; anything else (a copy, a spread such as
 * `{ ...values, externalUrl }`, hand-made settings, another schema) is parsed.
 */
import type * as z from 'zod';

const madeBy = new WeakMap<object, z.ZodType>();

/** Remembers that `schemas[key]` made `values[key]`, for every key. */
export function rememberSections(values: Readonly<Record<string, unknown>>, schemas: Readonly<Record<string, z.ZodType>>): void {
  for (const [key, schema] of Object.entries(schemas)) {
    const section = values[key];
    if (typeof section === 'object' && section !== null) madeBy.set(section, schema);
  }
}

/** `schema.parse(input ?? {})`, unless `input` is a section this very schema made (then `input` itself). */
export function parseSettings<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  if (typeof input === 'object' && input !== null && madeBy.get(input) === schema) return input as z.output<S>;
  return schema.parse(input ?? {}) as z.output<S>;
}
