/**
 * Real servers (prometheus, prometheus-alertmanager) started by a test on a
 * free loopback port, and the bounded HTTP helpers to talk to them.
 *
 * Every server this module starts is tracked and stopped by `stopServers()`
 * (call it in afterAll) and, as a last resort, killed when the Jest worker
 * exits, so a failed test never leaves a process behind. Nothing here listens
 * on or talks to anything but 127.0.0.1.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** How much of a server's output we keep for error messages (the tail). */
const LOG_LIMIT = 64 * 1024;

export interface LiveServer {
  readonly name: string;
  readonly port: number;
  /** `127.0.0.1:<port>`, as a Prometheus target or Alertmanager address. */
  readonly address: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly process: ChildProcess;
  /** The tail of the server's stdout and stderr. */
  logs(): string;
}

const running = new Set<LiveServer>();

// Last resort if afterAll never runs (worker torn down): kill our own children, by pid.
process.once('exit', () => {
  for (const s of running) if (s.process.exitCode === null) s.process.kill('SIGKILL');
});

/** A loopback port that was free a moment ago (bind port 0, read it, close). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves true when `done` settles first, false after `ms`; the timer never outlives the race. */
async function settlesWithin(done: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([done.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export interface StartOptions {
  /** Label for messages. */
  readonly name: string;
  readonly bin: string;
  /**
   * The command line for a given port. Called again with a new port if the
   * port was taken between finding it and the server binding it, so it may
   * (re)write files that depend on the port.
   */
  readonly args: (port: number) => string[];
  /** How long to wait for `GET /-/ready` (or `ready`) to answer. */
  readonly readyTimeoutMs?: number;
  /** Readiness other than `GET /-/ready` answering 200 (an exporter's probe path, a TCP port). */
  readonly ready?: (server: LiveServer) => Promise<boolean>;
  /** This port rather than a free one (a server restarted where its clients point); no retry. */
  readonly port?: number;
}

/** The server refused to start or never became ready: its exit code and log tail say why. */
export class ServerStartError extends Error {
  constructor(
    message: string,
    public readonly logs: string,
  ) {
    super(`${message}\n--- server output (tail) ---\n${logs.slice(-4000)}`);
  }
}

/**
 * Starts the server and resolves once `/-/ready` answers 200. Rejects (after
 * killing it) if it exits or is not ready in time; retries up to 3 ports when
 * the port was taken meanwhile.
 */
export async function startServer(opts: StartOptions): Promise<LiveServer> {
  const attempts = opts.port ? 1 : 3;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freeLoopbackPort());
    const server = launch(opts, port);
    try {
      await waitReady(server, opts.readyTimeoutMs ?? 15_000, opts.ready);
      return server;
    } catch (e) {
      await stopServer(server);
      const portTaken = /address already in use/i.test(server.logs());
      if (!portTaken || attempt >= attempts) throw e;
    }
  }
}

function launch(opts: StartOptions, port: number): LiveServer {
  const child = spawn(opts.bin, opts.args(port), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-LOG_LIMIT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // A spawn failure (e.g. ENOENT) surfaces as an exit; keep the reason in the logs.
  child.on('error', (e) => keep(Buffer.from(`spawn error: ${e.message}\n`)));
  const address = `${LOOPBACK}:${port}`;
  const server: LiveServer = { name: opts.name, port, address, url: `http://${address}`, process: child, logs: () => output };
  running.add(server);
  return server;
}

function exited(server: LiveServer): boolean {
  return server.process.exitCode !== null || server.process.signalCode !== null;
}

async function waitReady(server: LiveServer, timeoutMs: number, ready?: (server: LiveServer) => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited(server)) throw new ServerStartError(`${server.name} exited (code ${server.process.exitCode}) before it was ready`, server.logs());
    try {
      if (ready ? await ready(server) : (await httpRequest('GET', `${server.url}/-/ready`, undefined, 1000)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new ServerStartError(`${server.name} was not ready within ${timeoutMs} ms`, server.logs());
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone (bounded). */
export async function stopServer(server: LiveServer): Promise<void> {
  running.delete(server);
  if (exited(server)) return;
  const gone = new Promise<void>((resolve) => server.process.once('exit', () => resolve()));
  server.process.kill('SIGTERM');
  if (!(await settlesWithin(gone, 5000)) && !exited(server)) {
    server.process.kill('SIGKILL');
    await settlesWithin(gone, 2000);
  }
}

/** Stops every server this test file started (for afterAll). */
export async function stopServers(): Promise<void> {
  await Promise.all([...running].map(stopServer));
}

// ---------------------------------------------------------------------------

/**
 * One HTTP request on its own connection, closed after the answer (bounded by
 * `timeoutMs`). Not fetch: its pooled keep-alive sockets outlive the test file
 * and keep the Jest worker from exiting ("failed to exit gracefully").
 */
function httpRequest(method: 'GET' | 'POST', url: string, body: string | undefined, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, timeout: timeoutMs, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** GET a text document (bounded: 5 s): its status and body. */
export async function getText(url: string): Promise<{ status: number; text: string }> {
  return httpRequest('GET', url, undefined, 5000);
}

/** Whether something accepts TCP connections on loopback `port` (bounded: 1 s). */
export function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** GET a JSON document (bounded: 5 s). Throws on a non-2xx answer. */
export async function getJson<T>(url: string): Promise<T> {
  const res = await httpRequest('GET', url, undefined, 5000);
  if (res.status < 200 || res.status > 299) throw new Error(`GET ${url}: ${res.status} ${res.text.slice(0, 500)}`);
  return JSON.parse(res.text) as T;
}

/** POST a JSON body (bounded: 5 s); returns the status and body text. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; text: string }> {
  return httpRequest('POST', url, JSON.stringify(body), 5000);
}

/**
 * Calls `probe` every `intervalMs` until `done(value)` or the time is up, and
 * returns the last value either way: the caller asserts on it, so a timeout
 * fails with the observed state in the diff rather than a bare "timed out".
 * A probe that throws counts as not done (the server may still be starting).
 */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  opts: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (done(last)) return last;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) break;
    await sleep(opts.intervalMs ?? 250);
  }
  if (last === undefined) throw lastError instanceof Error ? lastError : new Error(`probe never answered: ${String(lastError)}`);
  return last;
}
