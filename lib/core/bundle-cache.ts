/**
 * What the app derives from its own code alone (the values' JSON Schema, the
 * defaults, the files that depend on nothing else) is kept beside the bundle's
 * V8 code cache, under the same key: the bundle's identity (scripts/launch.js
 * sets PYNOMALY_BUNDLE_CACHE to `build/<app>.js.<identity>`). A value made for
 * another bundle is never read; without the launcher (tests) nothing is cached.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** `make()`, read from or written to the bundle's cache when there is one. `make` must be a pure function of the code, and JSON. */
export function cachedForThisBundle<T>(name: string, make: () => T): T {
  const prefix = process.env.PYNOMALY_BUNDLE_CACHE;
  if (!prefix) return make();
  const file = `${prefix}.${name}`;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    const made = make();
    try {
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(made));
      renameSync(tmp, file);
    } catch {
      // A read-only build folder only costs speed.
    }
    return made;
  }
}
