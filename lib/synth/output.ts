/**
 * Writing the output folder safely.
 *
 * - Ownership: we write only into a folder that does not exist, is empty, or
 *   holds our manifest (MANIFEST, the list of files we wrote). Files we wrote
 *   and no longer produce are removed; anything else in the folder (a user's
 *   notes, another tool's files) is carried over untouched (hard-linked).
 * - One atomic switch: the whole new tree is built in a hidden sibling folder
 *   and exchanged with the old one by a single renameat2(RENAME_EXCHANGE), so a
 *   reader sees the previous complete tree or the new one, never a mix and
 *   never a missing environment. Where the exchange is not available (not
 *   Linux x64/arm64, or no perl to make the call), two renames are used and a
 *   run killed between them is rolled forward by the next run.
 * - One writer at a time: a lock file beside the folder; a second synth waits
 *   for the first, or fails before touching anything.
 * - Leftovers of killed runs (their staging folders) are removed by the next run.
 * - The old tree is deleted in the background: deleting 130 files costs more
 *   than writing them, and nobody waits for it. The exchange helper renames it
 *   to a trash folder and forks a child that deletes it; a trash folder left by
 *   a killed child is removed by a later run.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, parse, resolve } from 'node:path';

/** The manifest in every output folder we own: which files in it are ours. */
export const MANIFEST = '.pynomaly-monitoring.json';
/** Written first into a staging folder, so a leftover one is known to be ours. */
const STAGING_FLAG = '.pynomaly-monitoring-staging';

/** A problem with the output folder: reported as one line, nothing written. */
export class OutputError extends Error {}

export interface WriteRequest {
  /** The output folder, as the user named it (for messages). */
  readonly output: string;
  /** Every file this run produces, by path relative to the folder. */
  readonly files: ReadonlyMap<string, string>;
  /**
   * What this run is responsible for: a path is in scope when it equals one of
   * these or lies below one. Our files in scope that the run no longer
   * produces are removed; our files out of scope (another environment) stay.
   */
  readonly scope: readonly string[];
  /** Folders the user must never get as output (the project itself). */
  readonly forbidden?: readonly string[];
}

interface Manifest {
  readonly generator: string;
  readonly files: readonly string[];
}

/** Writes the files as the new content of the folder, atomically. Returns the folder's absolute path. */
export function writeOutput(req: WriteRequest): string {
  const target = resolveTarget(req);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const release = acquireLock(parent, basename(target), req.output);
  try {
    recoverInterruptedSwitch(parent, basename(target));
    removeLeftovers(parent, basename(target));
    const previous = ownedFiles(target, req.output);
    const staging = join(parent, `.${basename(target)}.synth-${process.pid}`);
    mkdirSync(staging);
    try {
      writeFileSync(join(staging, STAGING_FLAG), '');
      const kept = carryOver(target, staging, previous, req);
      writeFiles(staging, req.files, target, previous);
      const owned = [...kept, ...req.files.keys()].sort();
      writeFileSync(join(staging, MANIFEST), JSON.stringify({ generator: 'pynomaly-monitoring', files: owned } satisfies Manifest, null, 1) + '\n');
      rmSync(join(staging, STAGING_FLAG));
      crashPoint('staged');
      switchIn(staging, target, join(parent, `${TRASH_PREFIX(basename(target))}${process.pid}`));
      crashPoint('switched');
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  } finally {
    release();
  }
  return target;
}

function resolveTarget(req: WriteRequest): string {
  let target = resolve(req.output);
  if (existsSync(target)) {
    if (!lstatSync(realpathSync(target)).isDirectory()) throw new OutputError(`--output ${req.output}: not a folder`);
    target = realpathSync(target);
  }
  const refused = [parse(target).root, homedir(), ...(req.forbidden ?? [])].map((p) => resolve(p));
  if (refused.includes(target)) throw new OutputError(`--output ${req.output}: refusing to write into ${target}; name a folder of its own (for example dist)`);
  return target;
}

/** Our files in `target` (empty when it does not exist or is empty); refuses a folder we do not own. */
function ownedFiles(target: string, output: string): Set<string> {
  if (!existsSync(target)) return new Set();
  const entries = readdirSync(target);
  if (entries.length === 0) return new Set();
  if (!entries.includes(MANIFEST)) {
    throw new OutputError(
      `--output ${output}: ${target} is not empty and was not written by pynomaly-monitoring (it has no ${MANIFEST}); name a new or empty folder`,
    );
  }
  const manifest = JSON.parse(readFileSync(join(target, MANIFEST), 'utf8')) as Manifest;
  return new Set(manifest.files);
}

/**
 * Links into `staging` everything of `target` that survives this run: foreign
 * files and our files out of this run's scope. Returns the latter (still ours).
 * A folder is made only for what goes into it, so a folder that held only our
 * removed files disappears; an empty folder of the user's is kept.
 */
function carryOver(target: string, staging: string, previous: ReadonlySet<string>, req: WriteRequest): string[] {
  const stillOurs: string[] = [];
  const made = new Set<string>();
  const ensureFolder = (dir: string): void => {
    if (made.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  };
  const inScope = (path: string): boolean => req.scope.some((s) => path === s || path.startsWith(`${s}/`));
  const walk = (rel: string): void => {
    const entries = readdirSync(join(target, rel), { withFileTypes: true });
    if (rel && entries.length === 0) ensureFolder(join(staging, rel));
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (path === MANIFEST) continue;
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      if (req.files.has(path) || (previous.has(path) && inScope(path))) continue; // replaced by this run, or ours and no longer produced
      const from = join(target, path);
      const to = join(staging, path);
      ensureFolder(dirname(to));
      if (entry.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
      else linkOrCopy(from, to);
      if (previous.has(path)) stillOurs.push(path);
    }
  };
  if (existsSync(target)) walk('');
  return stillOurs;
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/**
 * Writes the files into `root`. A file of ours whose content is unchanged in
 * the old tree is hard-linked from it instead: a synth mostly rewrites what it
 * wrote before, and one link costs less than creating and writing a file.
 */
function writeFiles(root: string, files: ReadonlyMap<string, string>, oldRoot: string, oldOwned: ReadonlySet<string>): void {
  const made = new Set<string>();
  for (const [path, content] of files) {
    const full = join(root, path);
    const dir = dirname(full);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    if (!(oldOwned.has(path) && linkUnchanged(join(oldRoot, path), full, content))) writeFileSync(full, content);
  }
}

/**
 * Compared as bytes, after the sizes, in two buffers kept for the whole write:
 * decoding each old file to a string, or a fresh buffer per file, costs more
 * than the comparison (most of this step's time, measured).
 */
const scratch = { old: Buffer.allocUnsafe(0), ours: Buffer.allocUnsafe(0) };

function linkUnchanged(from: string, to: string, content: string): boolean {
  try {
    const old = lstatSync(from);
    const size = Buffer.byteLength(content);
    if (!old.isFile() || old.size !== size) return false;
    if (scratch.old.length < size) scratch.old = Buffer.allocUnsafe(Math.max(size, 2 * scratch.old.length));
    if (scratch.ours.length < size) scratch.ours = Buffer.allocUnsafe(scratch.old.length);
    if (readInto(from, scratch.old, size) !== size) return false;
    scratch.ours.write(content, 0, size, 'utf8');
    if (scratch.old.compare(scratch.ours, 0, size, 0, size) !== 0) return false;
    linkSync(from, to);
    return true;
  } catch {
    return false; // gone, unreadable, or links not allowed here: write it
  }
}

/** Reads up to `size` bytes of the file into `buffer`; returns how many it read. */
function readInto(path: string, buffer: Buffer, size: number): number {
  const fd = openSync(path, 'r');
  try {
    let read = 0;
    for (let n = -1; read < size && n !== 0; read += n) n = readSync(fd, buffer, read, size - read, read);
    return read;
  } finally {
    closeSync(fd);
  }
}

/**
 * Puts the complete `staging` tree at `target`. Afterwards the old tree is
 * being deleted as `trash` in the background, or is left in `staging`.
 */
function switchIn(staging: string, target: string, trash: string): void {
  if (!existsSync(target)) {
    renameSync(staging, target);
    return;
  }
  if (exchangeFolders(staging, target, trash)) return;
  // No atomic exchange here: two renames. A run killed between them leaves no
  // `target` and a complete staging folder, which the next run moves in.
  const aside = `${staging}.old`;
  renameSync(target, aside);
  crashPoint('between-renames');
  renameSync(staging, target);
  rmSync(aside, { recursive: true, force: true });
}

/** renameat2 syscall numbers, by Node's process.arch. */
const RENAMEAT2: Readonly<Record<string, number>> = { x64: 316, arm64: 276 };

/**
 * Swaps two folders in one system call (Linux renameat2 with RENAME_EXCHANGE),
 * made through perl (Essential in Debian, File::Path in perl-base): Node has
 * no binding for it. With `trash`, what is then in `a` is renamed to `trash`
 * and deleted by a forked child that nobody waits for (its standard streams
 * closed, in a session of its own). Returns false where the exchange is not
 * possible; the caller falls back.
 */
export function exchangeFolders(a: string, b: string, trash?: string): boolean {
  const nr = RENAMEAT2[process.arch];
  if (process.platform !== 'linux' || nr === undefined || process.env.PYNOMALY_SYNTH_NO_EXCHANGE === '1') return false;
  const r = spawnSync('perl', ['-e', EXCHANGE_AND_DISCARD, String(nr), a, b, trash ?? ''], { stdio: 'ignore' });
  return r.status === 0;
}

const EXCHANGE_AND_DISCARD = `
my ($nr, $a, $b, $trash) = @ARGV;
syscall($nr, -100, $a, -100, $b, 2) == 0 or exit 3;
exit 0 if $trash eq '' or !rename($a, $trash);
my $pid = fork();
exit 0 if $pid;
if (defined $pid) { require POSIX; POSIX::setsid(); close STDIN; close STDOUT; close STDERR; }
require File::Path;
File::Path::remove_tree($trash);
exit 0;`;

/** The trash folders of a target: `.<base>.trash-<pid>`. */
const TRASH_PREFIX = (base: string): string => `.${base}.trash-`;
/** A trash folder whose deleting child is surely gone (it takes well under a second). */
const staleTrashMs = (): number => Number(process.env.PYNOMALY_SYNTH_STALE_TRASH_MS ?? 10_000);

/** A complete staging folder (no staging flag, a manifest) whose target is missing: a switch that was cut short. */
function recoverInterruptedSwitch(parent: string, base: string): void {
  const target = join(parent, base);
  if (existsSync(target)) return;
  const complete = leftovers(parent, base).filter((d) => !d.endsWith('.old') && existsSync(join(d, MANIFEST)) && !existsSync(join(d, STAGING_FLAG)));
  if (complete.length > 0) renameSync(complete[0], target);
}

function removeLeftovers(parent: string, base: string): void {
  for (const dir of leftovers(parent, base)) rmSync(dir, { recursive: true, force: true });
  // A trash folder is being deleted by its own child; one that outlived it is ours to finish.
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(TRASH_PREFIX(base)) || !/^\d+$/.test(name.slice(TRASH_PREFIX(base).length))) continue;
    const dir = join(parent, name);
    // Its ctime is when it became trash (the rename); its mtime may be hours older.
    const becameTrash = statSync(dir, { throwIfNoEntry: false })?.ctimeMs ?? Infinity;
    if (Date.now() - becameTrash >= staleTrashMs()) rmSync(dir, { recursive: true, force: true });
  }
}

/** Staging folders of earlier runs that are ours (pattern and flag or manifest); we hold the lock, so their runs are over. */
function leftovers(parent: string, base: string): string[] {
  const prefix = `.${base}.synth-`;
  return readdirSync(parent)
    .filter((name) => name.startsWith(prefix) && /^\d+(\.old)?$/.test(name.slice(prefix.length)))
    .map((name) => join(parent, name))
    .filter((dir) => existsSync(join(dir, STAGING_FLAG)) || existsSync(join(dir, MANIFEST)))
    .sort();
}

/**
 * Takes the folder's lock (a file beside it holding our pid), waiting while a
 * live synth holds it; a lock whose process is gone is taken over.
 */
function acquireLock(parent: string, base: string, output: string): () => void {
  const lock = join(parent, `.${base}.synth-lock`);
  const deadline = Date.now() + Number(process.env.PYNOMALY_SYNTH_LOCK_TIMEOUT_MS ?? 60_000);
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new OutputError(`--output ${output}: cannot create the lock ${lock}: ${(e as Error).message}`);
    }
    const holder = Number(readFileSafe(lock));
    // An empty lock is one being written by its creator right now.
    if (!isAlive(holder) && !(readFileSafe(lock) === '' && ageMs(lock) < 5000)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new OutputError(`--output ${output}: another synth (pid ${holder}) is writing ${join(parent, base)}; try again when it is done`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Fault injection for the tests: `PYNOMALY_SYNTH_CRASH_AT=<point>` kills the process there, as a power cut would. */
function crashPoint(point: string): void {
  if (process.env.PYNOMALY_SYNTH_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
