/**
 * Command line of `npm run synth` / `cdk8s synth` (`--help` prints it).
 */
import { readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import { withImagesTable } from './images';
import { diffOutput, formatDiff } from './review/diff';
import { ENVIRONMENTS } from './values/schema';
import { ValuesError } from './values/errors';
import { OutputError } from './synth/output';
import { projectRoot, synth, SynthOptions } from './synth/synth';
import { markMainStart, printTimings } from './synth/timings';

export class UsageError extends Error {}

class HelpRequested extends Error {}

const USAGE = 'usage: npm run synth -- [--env NAME]... [--values FILE]... [--set KEY=VALUE]... [--output DIR]';

/** The environments: one per values/<env>.yaml, the known ones first in their order. */
export function environments(valuesDir = join(projectRoot(), 'values')): string[] {
  const found = readdirSync(valuesDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length));
  const rank = (e: string): number => {
    const i = (ENVIRONMENTS as readonly string[]).indexOf(e);
    return i < 0 ? ENVIRONMENTS.length : i;
  };
  return found.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
}

export function helpText(): string {
  return `${USAGE}

Synthesizes the Pynomaly monitoring stack: dist/<env>/ (plain YAML and a
Kustomization) and dist/helm/<env>/ (a Helm chart) for each environment.

  -e, --env NAME        environment to render (repeatable); default: all of them
                        environments: ${environments().join(', ')} (one per values/<env>.yaml)
  -f, --values FILE     values file layered over values/<env>.yaml (repeatable)
      --set KEY=VALUE   value layered over everything else (repeatable; Helm's syntax
                        and typing: a.b=1, a={x,y}, a[0]=x, null restores the default)
  -o, --output DIR      where to write (default: dist); a new or empty folder, or one
                        this command wrote (it keeps a .pynomaly-monitoring.json there)
  -h, --help            this text

npm run diff -- [--env NAME]... [--values FILE]... [--set KEY=VALUE]... [--output DIR]
  compares the output folder (default: dist) with a fresh synth in memory: the objects
  added, removed and changed (with the changed fields), then a unified diff; exit 1 when
  they differ, 0 when not. Writes nothing.

npm run readme
  rewrites the image table of README.md (every image and version, from the default values).

Every value, its default and meaning: dist/values.yaml.

examples:
  npm run synth
  npm run synth -- --env prod --set prometheus.retention=15d
  npm run synth -- --env staging --values my-staging.yaml --output /tmp/preview
  npm run diff -- --env prod --set prometheus.retention=7d
`;
}

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
      case '--help':
      case '-h':
      case 'help':
        throw new HelpRequested();
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
  const known = environments();
  for (const env of envs) {
    if (!known.includes(env)) throw new UsageError(`--env ${env}: unknown environment (environments: ${known.join(', ')}; each is a values/<env>.yaml)`);
  }
  return { envs: envs.length ? [...new Set(envs)] : known, valuesFiles, sets, output };
}

function splitOnce(arg: string): [string, string] {
  const i = arg.indexOf('=');
  return [arg.slice(0, i), arg.slice(i + 1)];
}

/**
 * One line to stdout. Written directly: setting up process.stdout (its stream
 * and the tty or pipe modules behind it) costs more than the synth's last step.
 */
function printLine(text: string): void {
  try {
    writeSync(1, `${text}\n`);
  } catch {
    process.stdout.write(`${text}\n`); // a non-blocking pipe that is full: let the stream queue it
  }
}

/** Runs the CLI; returns the exit code. Errors go to stderr as one clear message. */
export function main(argv: readonly string[]): number {
  markMainStart();
  if (argv[0] === 'diff') return diffMain(argv.slice(1));
  if (argv[0] === 'readme') return readmeMain();
  try {
    const opts = parseArgs(argv);
    const { files, output } = synth(opts);
    printLine(`synthesized ${opts.envs.join(', ')}: ${files} files in ${output}`);
    printTimings();
    return 0;
  } catch (e) {
    return reportError(e, 'nothing was written.', 1);
  }
}

/**
 * `npm run diff -- [synth options]`: the output folder against a fresh synth
 * in memory. Exit 0: no difference; 1: they differ; 2: bad input.
 */
function diffMain(argv: readonly string[]): number {
  try {
    const opts = parseArgs(argv);
    const output = opts.output ?? join(projectRoot(), 'dist');
    const report = diffOutput(output, opts);
    process.stdout.write(formatDiff(report, relative(process.cwd(), output) || '.'));
    return report.files.length ? 1 : 0;
  } catch (e) {
    return reportError(e, 'nothing was compared.', 2);
  }
}

/** `npm run readme`: rewrites the README's image table from the default values. */
function readmeMain(): number {
  try {
    const file = join(projectRoot(), 'README.md');
    const before = readFileSync(file, 'utf8');
    const after = withImagesTable(before);
    if (after !== before) writeFileSync(file, after);
    process.stdout.write(`README.md: image table ${after === before ? 'already up to date' : 'rewritten'}\n`);
    return 0;
  } catch (e) {
    return reportError(e, 'README.md was not changed.', 2);
  }
}

function reportError(e: unknown, after: string, code: number): number {
  if (e instanceof HelpRequested) {
    process.stdout.write(helpText());
    return 0;
  }
  if (e instanceof ValuesError || e instanceof UsageError || e instanceof OutputError) {
    process.stderr.write(`error: ${e.message}\n${after}\n`);
    return code;
  }
  // A bug, not bad input: one line (the stack only with PYNOMALY_DEBUG=1).
  const detail = process.env.PYNOMALY_DEBUG === '1' ? ((e as Error).stack ?? String(e)) : oneLine(e);
  process.stderr.write(`error: internal error: ${detail}\n${after}\n`);
  return 2;
}

function oneLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const line = text.split('\n')[0];
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
