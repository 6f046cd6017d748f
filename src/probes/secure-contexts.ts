// TLS secure contexts shared across attempts, sessions and students. Building one parses the CA
// bundle and the key and certificate (setKey, addCACert: the top frames of a class's CPU profile),
// and a class of a thousand mostly shares a handful of CA files and the one throwaway identity.
// A context holds configuration only: Node's client contexts keep no session cache of their own,
// so sharing one changes nothing a peer sees (resumption needs an explicit `session`).
import { createHash } from 'node:crypto';
import tls, { type SecureContext, type SecureVersion } from 'node:tls';
import { BoundedCache } from '../bounded-cache.js';

export interface ContextOptions {
  ca?: string;
  cert?: string;
  key?: string;
  ciphers?: string;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
}

/** Distinct setups in one process (a grade run's CA files and identities, times version bounds). */
const contexts = new BoundedCache<SecureContext>(256);

function keyOf(options: ContextOptions): string {
  const hash = createHash('sha256');
  for (const part of [options.ca, options.cert, options.key, options.ciphers, options.minVersion, options.maxVersion]) {
    hash.update(part === undefined ? '\u0000-' : `\u0001${part.length}:${part}`);
  }
  return hash.digest('base64');
}

/**
 * The context for these options, built once. Throws as tls.createSecureContext does for unusable
 * material (nothing is kept then): callers fall back to handing the options to the TLS stack, so
 * its error surfaces exactly where it did before.
 */
export function sharedSecureContext(options: ContextOptions): SecureContext {
  const key = keyOf(options);
  const cached = contexts.get(key);
  if (cached) return cached;
  const context = tls.createSecureContext(options);
  contexts.set(key, context);
  return context;
}

/** The shared context, or undefined when the material is unusable (the caller then lets the TLS stack say why). */
export function trySharedSecureContext(options: ContextOptions): SecureContext | undefined {
  try {
    return sharedSecureContext(options);
  } catch {
    return undefined;
  }
}
