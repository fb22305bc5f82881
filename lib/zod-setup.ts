/**
 * Zod's global settings, imported by main.ts before anything else: zod reads
 * them when a schema is built, and the component schemas are built as their
 * modules load.
 *
 * Each synth parses values a handful of times: zod's JIT (compiling a parser per
 * object schema with new Function on its first parse) costs more than it saves.
 */
import * as z from 'zod';

z.config({ jitless: true });
