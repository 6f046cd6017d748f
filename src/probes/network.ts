// Name resolution and TCP reachability, each bounded by its step and cancelled with the run.
import { readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import { isIP } from '../ip-address.js';
import { startStep } from './deadline.js';

export interface Resolution {
  host: string;
  isIpLiteral: boolean;
  source: 'dns' | '--resolve' | 'literal';
  addresses: string[];
  errorCode?: string;
  /** The limit the lookup ran under (when it timed out, it is the time waited). */
  timeoutMs?: number;
  elapsedMs: number;
}

export interface TcpFacts {
  address?: string;
  port: number;
  outcome: 'connected' | 'refused' | 'timeout' | 'unreachable' | 'error' | 'no-address';
  errorCode?: string;
  message?: string;
  /** The limit the connect ran under. */
  timeoutMs?: number;
  elapsedMs: number;
}

/** /etc/hosts first, as the system resolver does: names like `localhost` or a lab's never reach DNS. */
function fromHostsFile(host: string): string[] {
  let text: string;
  try {
    text = readFileSync('/etc/hosts', 'utf8');
  } catch {
    return [];
  }
  const wanted = host.toLowerCase().replace(/\.$/, '');
  const found: string[] = [];
  for (const line of text.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (address && isIP(address) && names.some((name) => name.toLowerCase() === wanted) && !found.includes(address)) found.push(address);
  }
  return found;
}

/**
 * DNS through c-ares rather than getaddrinfo: a getaddrinfo call cannot be cancelled, so a resolver
 * that never answers would hold the process for its own 10 s after the report; a c-ares query is
 * bounded by its timeout and cancelled with the run.
 */
export async function resolveHost(host: string, overrides: ReadonlyMap<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<Resolution> {
  const began = performance.now();
  const elapsed = () => Math.round(performance.now() - began);
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return { host, isIpLiteral: true, source: 'literal', addresses: [bare], elapsedMs: 0 };
  const override = overrides.get(host.toLowerCase());
  if (override) return { host, isIpLiteral: false, source: '--resolve', addresses: [override], elapsedMs: 0 };
  const listed = fromHostsFile(host);
  if (listed.length) return { host, isIpLiteral: false, source: 'dns', addresses: listed, elapsedMs: elapsed() };

  const step = startStep(signal, timeoutMs);
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  const cancel = () => resolver.cancel();
  step.signal.addEventListener('abort', cancel, { once: true });
  try {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
    const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    if (addresses.length) return { host, isIpLiteral: false, source: 'dns', addresses, elapsedMs: elapsed() };
    const codes = [v4, v6].map((answer) => (answer.status === 'rejected' ? String((answer.reason as NodeJS.ErrnoException).code ?? 'ERROR') : 'ENODATA'));
    const timedOut = step.signal.aborted || codes.every((code) => code === 'ETIMEOUT' || code === 'ECANCELLED');
    // NXDOMAIN for either family means the name does not exist; otherwise report what A said.
    const errorCode = timedOut ? 'ETIMEOUT' : codes.includes('ENOTFOUND') ? 'ENOTFOUND' : codes[0];
    return { host, isIpLiteral: false, source: 'dns', addresses: [], errorCode, ...(timedOut ? { timeoutMs } : {}), elapsedMs: elapsed() };
  } finally {
    step.signal.removeEventListener('abort', cancel);
    step.dispose();
  }
}

/**
 * A TCP connect. With `keep`, a connected socket is handed over (the TLS handshake runs on it: one
 * connection fewer, and none that the broker sees opened and dropped without a word); otherwise it is
 * closed at once.
 */
export function connectTcp(address: string | undefined, port: number, timeoutMs: number, signal?: AbortSignal, keep?: (socket: net.Socket) => void): Promise<TcpFacts> {
  if (!address) return Promise.resolve({ port, outcome: 'no-address', elapsedMs: 0 });
  const began = performance.now();
  return new Promise((resolve) => {
    const step = startStep(signal, timeoutMs);
    const socket = net.connect({ host: address, port, noDelay: true });
    // A kept socket must not read ahead: the bytes a peer sends first belong to the TLS layer.
    if (keep) socket.pause();
    let kept = false;
    const finish = (facts: Omit<TcpFacts, 'address' | 'port' | 'elapsedMs'>) => {
      step.signal.removeEventListener('abort', onAbort);
      step.dispose();
      if (!kept) socket.destroy();
      resolve({ address, port, ...facts, elapsedMs: Math.round(performance.now() - began) });
    };
    const onAbort = () => finish({ outcome: 'timeout', timeoutMs });
    step.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      if (keep && !step.signal.aborted) {
        kept = true;
        socket.removeAllListeners('error');
        keep(socket);
      }
      finish({ outcome: 'connected' });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'ERROR';
      // A reset can only follow a completed TCP handshake: the port accepted, and what comes next is the
      // TLS layer's finding (tls.handshake/connection-reset), however fast the reset was.
      if (code === 'ECONNRESET') finish({ outcome: 'connected', errorCode: code });
      else if (code === 'ECONNREFUSED') finish({ outcome: 'refused', errorCode: code, message: error.message });
      else if (['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'].includes(code)) {
        finish({ outcome: 'unreachable', errorCode: code, message: error.message });
      } else if (code === 'ETIMEDOUT') finish({ outcome: 'timeout', errorCode: code, message: error.message, timeoutMs });
      else finish({ outcome: 'error', errorCode: code, message: error.message });
    });
  });
}
