/**
 * The cluster app: `npm run deploy -- --env E [--context C] [--dry-run=server]
 * [--prune] [--force-conflicts] [--timeout 300s] [--dist DIR]` and
 * `npm run status -- --env E [--context C] [--dist DIR]`. The kubeconfig is
 * found as kubectl finds it (KUBECONFIG, ~/.kube/config, in-cluster).
 * Exit 0: done / all ready; 1: a failure or a workload not ready; 2: bad usage.
 */
import { join, resolve } from 'node:path';
import { deploy, kubeConfig, status } from './deploy';
import { readEnvironment } from './manifests';

const USAGE = `usage: npm run deploy -- --env NAME [--context CONTEXT] [--dry-run=server] [--prune] [--force-conflicts] [--timeout 300s] [--dist DIR]
       npm run status -- --env NAME [--context CONTEXT] [--dist DIR]`;

class UsageError extends Error {}

interface Args {
  command: 'deploy' | 'status';
  env: string;
  context?: string;
  dryRun: boolean;
  prune: boolean;
  forceConflicts: boolean;
  timeoutMs: number;
  dist: string;
}

function parse(argv: readonly string[]): Args {
  const [command, ...rest] = argv;
  if (command !== 'deploy' && command !== 'status') throw new UsageError(`unknown command ${JSON.stringify(command ?? '')}`);
  const args: Partial<Args> = { command, dryRun: false, prune: false, forceConflicts: false, timeoutMs: 300_000, dist: join(process.cwd(), 'dist') };
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = rest[i].includes('=') ? [rest[i].slice(0, rest[i].indexOf('=')), rest[i].slice(rest[i].indexOf('=') + 1)] : [rest[i], undefined];
    const value = (): string => {
      const v = inline ?? rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--env':
      case '-e':
        args.env = value();
        break;
      case '--context':
        args.context = value();
        break;
      case '--dist':
        args.dist = resolve(value());
        break;
      case '--dry-run':
        if (value() !== 'server') throw new UsageError('--dry-run takes only "server" (the API server validates and admits each object, and persists nothing)');
        args.dryRun = true;
        break;
      case '--prune':
        args.prune = true;
        break;
      case '--force-conflicts':
        args.forceConflicts = true;
        break;
      case '--timeout': {
        const v = value();
        const m = /^(\d+)(s|m)?$/.exec(v);
        if (!m) throw new UsageError(`--timeout ${v}: expected seconds such as 300s or 5m`);
        args.timeoutMs = Number(m[1]) * (m[2] === 'm' ? 60_000 : 1000);
        break;
      }
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(rest[i])}`);
    }
  }
  if (!args.env) throw new UsageError('--env is required');
  if (command === 'status' && (args.dryRun || args.prune)) throw new UsageError('--dry-run and --prune are deploy options');
  return args as Args;
}

async function run(argv: readonly string[]): Promise<number> {
  let args: Args;
  try {
    args = parse(argv);
  } catch (e) {
    process.stderr.write(e instanceof UsageError && e.message ? `error: ${e.message}\n${USAGE}\n` : `${USAGE}\n`);
    return e instanceof UsageError && !e.message ? 0 : 2;
  }
  try {
    const manifests = readEnvironment(args.dist, args.env);
    const kc = await kubeConfig(args.context);
    if (args.command === 'status') {
      const rows = await status(kc, manifests);
      for (const r of rows) process.stdout.write(`${r.ready ? 'ready    ' : 'NOT READY'}  ${r.id}: ${r.detail}\n`);
      return rows.every((r) => r.ready) ? 0 : 1;
    }
    const log = (line: string): boolean => process.stdout.write(`${line}\n`);
    const pollMs = Number(process.env.PYNOMALY_DEPLOY_POLL_MS ?? 2000);
    const report = await deploy(kc, manifests, { ...args, pollMs, log });
    const summary = `${report.applied.length} applied${args.dryRun ? ' (server dry run)' : ''}, ${report.pruned.length} pruned, ${report.failures.length} failed`;
    process.stdout.write(`${summary}\n`);
    for (const f of report.failures) process.stderr.write(`error: ${f}\n`);
    return report.failures.length ? 1 : 0;
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 1;
  }
}

void run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
