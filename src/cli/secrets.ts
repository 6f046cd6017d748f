// Secrets (the key's passphrase, the MQTT password) from a flag, a file or the environment. A flag
// is visible in `ps` to every local user, so CI should use the file or the variable. Every value
// read is remembered, so that no message can echo it.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../engine/types.js';
import { describeFsError } from '../fs-errors.js';
import { rememberSecret } from './arg-checks.js';

export const KEY_PASSPHRASE_ENV = 'LAMPI_DOCTOR_KEY_PASSPHRASE';
export const PASSWORD_ENV = 'LAMPI_DOCTOR_PASSWORD';

const MAX_SECRET_FILE = 64 * 1024;

/** The first line of FILE, without its line ending; only a regular file, and only a small one. */
export function readSecretFile(path: string, flag: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UsageError(`${flag} ${path}: not a regular file`);
    if (stat.size > MAX_SECRET_FILE) throw new UsageError(`${flag} ${path}: too large for a secret (${stat.size} bytes); the first line is the secret`);
    const buffer = Buffer.alloc(stat.size);
    const length = readSync(fd, buffer, 0, stat.size, 0);
    const [line] = buffer.subarray(0, length).toString('utf8').split(/\r?\n/);
    if (!line) throw new UsageError(`${flag} ${path} is empty: its first line must hold the secret`);
    return line;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${flag} ${path}: ${describeFsError(error)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface SecretSources {
  /** The flag's name, e.g. --key-passphrase, and its value. */
  flag: string;
  value?: string;
  fileFlag: string;
  file?: string;
  env: string;
}

/** Flag, else file, else environment; flag and file together are a usage error. */
export function resolveSecret(sources: SecretSources, environment: NodeJS.ProcessEnv = process.env): string | undefined {
  if (sources.value !== undefined && sources.file !== undefined) {
    throw new UsageError(`give ${sources.flag} or ${sources.fileFlag}, not both`);
  }
  const value = sources.file !== undefined ? readSecretFile(sources.file, sources.fileFlag) : (sources.value ?? (environment[sources.env] || undefined));
  if (value !== undefined) rememberSecret(value);
  return value;
}
