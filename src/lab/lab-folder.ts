// Where a lab lives, and the rules that keep it ours: a private folder (this user's, 0700, never
// group/world-writable), marked by `lab up` at creation, with files created exclusively (never through
// a symlink) and removed one by one, by name, so a folder that holds anything else is never wiped.
import { closeSync, constants, fchmodSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { UsageError } from '../engine/types.js';
import { describeFsError } from '../fs-errors.js';

/** Written at creation; names the uid that made the folder. */
export const MARKER_FILE = '.lampi-doctor-lab';

const uid = (): number => process.getuid?.() ?? -1;

function ownerName(id: number): string {
  if (id === uid()) return userInfo().username;
  try {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.split(':')[2] === String(id));
    if (line) return `${line.split(':')[0]} (uid ${id})`;
  } catch {
    // no passwd file: the number will do
  }
  return `uid ${id}`;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot use ${path} for a lab: ${describeFsError(error)}`);
  }
}

/** Why `path` cannot be trusted as this user's private folder, or undefined when it can. */
export function untrustedFolderReason(path: string, stats: Stats | undefined = lstatOrUndefined(path)): string | undefined {
  if (!stats) return undefined;
  if (stats.isSymbolicLink()) return `${path} is a symbolic link: give the real folder`;
  if (!stats.isDirectory()) return `${path} is not a folder`;
  if (uid() >= 0 && stats.uid !== uid()) return `${path} belongs to ${ownerName(stats.uid)}, not to you (${userInfo().username}): another user could control what the lab runs`;
  if (stats.mode & 0o022) return `${path} is ${stats.mode & 0o002 ? 'world' : 'group'}-writable (mode ${(stats.mode & 0o777).toString(8)}): another user could plant files in it; use a private folder (chmod 700)`;
  return undefined;
}

/** Refuses (exit 2) a folder this user does not privately own. Call on every use. */
export function requireOwnFolder(path: string): void {
  const reason = untrustedFolderReason(path);
  if (reason) throw new UsageError(`lab folder ${reason}`);
}

/** Makes `path` (0700) when missing, then insists it is ours and private. True when it was made now. */
function ensurePrivateFolder(path: string): boolean {
  let made = false;
  try {
    mkdirSync(path, { mode: 0o700 });
    made = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new UsageError(`cannot create lab folder ${path}: ${(error as Error).message}`);
  }
  requireOwnFolder(path);
  return made;
}

/**
 * The default lab folder: under $XDG_RUNTIME_DIR when it is set and privately ours, else under
 * ~/.cache. Never a fixed name in a shared folder such as /tmp.
 */
export function defaultLabDir(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && runtime.startsWith('/')) {
    const stats = lstatOrUndefined(runtime);
    if (stats && !untrustedFolderReason(runtime, stats)) return join(runtime, 'lampi-doctor', 'lab');
  }
  const cache = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), '.cache');
  return join(cache, 'lampi-doctor', 'lab');
}

/** Makes the folders above the default lab folder, privately, and checks the ones that exist. */
export function prepareDefaultParents(dir: string): void {
  const parent = resolve(dir, '..');
  const grandparent = resolve(parent, '..');
  if (!lstatOrUndefined(grandparent)) {
    try {
      mkdirSync(grandparent, { mode: 0o700 }); // one level (~/.cache): a missing home is an error, not something to build
    } catch (error) {
      throw new UsageError(`cannot create ${grandparent} for the lab folder: ${(error as Error).message}; give a folder with --dir`);
    }
  }
  ensurePrivateFolder(parent);
}

function markerOwnedByUs(dir: string): boolean {
  const path = join(dir, MARKER_FILE);
  const stats = lstatOrUndefined(path);
  if (!stats || !stats.isFile() || stats.uid !== uid()) return false;
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { uid?: unknown }).uid === uid();
  } catch {
    return false;
  }
}

/** True when `dir` is a lab folder: private, ours, and marked by us. */
export function isOwnLabFolder(dir: string): boolean {
  return !untrustedFolderReason(dir) && markerOwnedByUs(dir);
}

export interface LabFolder {
  dir: string;
  /** This run made the folder, so the lab's end may remove it (when nothing else is left in it). */
  createdDir: boolean;
}

/**
 * Takes `dir` for a lab: it must not exist, be empty, or be a lab folder this user made. `stale`
 * names files an earlier lab there may have left (they are removed: a new lab writes them afresh).
 */
export function claimLabFolder(dir: string, stale: readonly string[]): LabFolder {
  const absolute = resolve(dir);
  const createdDir = ensurePrivateFolder(absolute);
  const entries = readdirSync(absolute);
  if (entries.length > 0) {
    if (!markerOwnedByUs(absolute)) {
      const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? `, … (${entries.length} entries)` : '');
      throw new UsageError(`lab folder ${absolute} already holds files (${shown}): give a new or empty folder, or one \`lab up\` made`);
    }
    const foreign = entries.filter((name) => name !== MARKER_FILE && !stale.includes(name));
    if (foreign.length > 0) throw new UsageError(`lab folder ${absolute} holds files the lab did not make (${foreign.slice(0, 3).join(', ')}): move them, or give another folder`);
    for (const name of entries) if (name !== MARKER_FILE) removeStale(absolute, name);
    return { dir: absolute, createdDir: false };
  }
  writeNewFile(join(absolute, MARKER_FILE), JSON.stringify({ uid: uid(), tool: 'lampi-doctor', createdAt: new Date().toISOString() }) + '\n');
  return { dir: absolute, createdDir };
}

/**
 * Opens a new file for writing: fails if anything (a file, a planted symlink) already has the name,
 * and never follows a symlink. Mode 0600 whatever the umask.
 */
export function openNewFile(path: string, append = false): number {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | (append ? constants.O_APPEND : 0);
  const fd = openSync(path, flags, 0o600);
  fchmodSync(fd, 0o600);
  return fd;
}

export function writeNewFile(path: string, text: string): void {
  const fd = openNewFile(path);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** A name the lab recorded: relative, inside its folder (a sub-folder at most), never climbing out. */
function isInsideName(name: string): boolean {
  return name !== '' && !isAbsolute(name) && !name.split(sep).some((part) => part === '..' || part === '.' || part === '');
}

/**
 * Removes one recorded name in `dir`: a file or a symlink (the link itself, never its target), or
 * a folder only when it is empty.
 */
function removeEntry(dir: string, name: string): boolean {
  if (!isInsideName(name)) return false;
  const path = join(dir, name);
  const stats = lstatOrUndefined(path);
  if (!stats) return false;
  try {
    if (stats.isDirectory()) rmdirSync(path);
    else unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}

/** An earlier lab's leftover under a lab name: a file, or a folder of files (emptied, then removed). */
function removeStale(dir: string, name: string): void {
  const stats = lstatOrUndefined(join(dir, name));
  if (stats?.isDirectory()) for (const inner of readdirSync(join(dir, name))) removeEntry(dir, join(name, inner));
  removeEntry(dir, name);
}

/**
 * Removes the files the lab created (by name), then its marker, then the folder if this lab made
 * it and nothing else is left. Returns what stayed behind (names the lab did not create).
 */
export function removeLabFiles(dir: string, created: readonly string[], createdDir: boolean): string[] {
  // Newest first: a folder's files go before the folder.
  for (const name of [...created].reverse()) removeEntry(dir, name);
  let left: string[];
  try {
    left = readdirSync(dir).filter((name) => name !== MARKER_FILE);
  } catch {
    return [];
  }
  if (left.length > 0) return left;
  removeEntry(dir, MARKER_FILE);
  if (createdDir) {
    try {
      rmdirSync(dir);
    } catch {
      // not empty after all, or the current directory: leave it
    }
  }
  return [];
}
