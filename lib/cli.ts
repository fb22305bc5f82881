/**
 * Command line of `npm run synth` / `cdk8s synth`:
 *   --env NAME        environment to render (repeatable; default: dev, staging, prod)
 *   --values FILE     values file layered over values/<env>.yaml (repeatable)
 *   --set KEY=VALUE   value layered over everything else (repeatable, typed as Helm does)
 *   --output DIR      where to write (default: dist)
 */
import { ENVIRONMENTS } from './values/schema';
import { ValuesError } from './values/errors';
import { synth, SynthOptions } from './synth/synth';

export class UsageError extends Error {}

const USAGE = 'usage: npm run synth -- [--env NAME]... [--values FILE]... [--set KEY=VALUE]... [--output DIR]';

export function parseArgs(argv: readonly string[]): SynthOptions {
  const envs: string[] = [];
  const valuesFiles: string[] = [];
  const sets: string[] = [];
  let output: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') && !arg.startsWith('--set=') ? splitOnce(arg) : [arg, undefined];
    const next = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--env':
      case '-e':
        envs.push(next());
        break;
      case '--values':
      case '-f':
        valuesFiles.push(next());
        break;
      case '--set':
        sets.push(next());
        break;
      case '--set=':
        break;
      case '--output':
      case '-o':
        output = next();
        break;
      default:
        if (arg.startsWith('--set=')) {
          sets.push(arg.slice('--set='.length));
          break;
        }
        throw new UsageError(`unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
    }
  }
  return { envs: envs.length ? [...new Set(envs)] : [...ENVIRONMENTS], valuesFiles, sets, output };
}

function splitOnce(arg: string): [string, string] {
  const i = arg.indexOf('=');
  return [arg.slice(0, i), arg.slice(i + 1)];
}

/** Runs the CLI; returns the exit code. Errors go to stderr as one clear message. */
export function main(argv: readonly string[]): number {
  try {
    const opts = parseArgs(argv);
    const { files, output } = synth(opts);
    process.stdout.write(`synthesized ${opts.envs.join(', ')}: ${files} files in ${output}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ValuesError || e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\nnothing was written.\n`);
      return 1;
    }
    // A bug, not bad input: one line (the stack only with PYNOMALY_DEBUG=1).
    const detail = process.env.PYNOMALY_DEBUG === '1' ? ((e as Error).stack ?? String(e)) : oneLine(e);
    process.stderr.write(`error: internal error: ${detail}\nnothing was written.\n`);
    return 2;
  }
}

function oneLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const line = text.split('\n')[0];
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
