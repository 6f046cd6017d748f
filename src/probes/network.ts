// Name resolution and TCP reachability, each bounded by a timeout.
import { lookup } from 'node:dns/promises';
import net from 'node:net';

export interface Resolution {
  host: string;
  isIpLiteral: boolean;
  source: 'dns' | '--resolve' | 'literal';
  addresses: string[];
  errorCode?: string;
  elapsedMs: number;
}

export interface TcpFacts {
  address?: string;
  port: number;
  outcome: 'connected' | 'refused' | 'timeout' | 'unreachable' | 'error' | 'no-address';
  errorCode?: string;
  message?: string;
  elapsedMs: number;
}

function timeoutAfter<T>(ms: number, value: T): { promise: Promise<T>; cancel: () => void } {
  let timer: NodeJS.Timeout;
  const promise = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(value), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

export async function resolveHost(host: string, overrides: ReadonlyMap<string, string>, timeoutMs: number): Promise<Resolution> {
  const began = performance.now();
  const elapsed = () => Math.round(performance.now() - began);
  const bare = host.replace(/^\[|\]$/g, '');
  if (net.isIP(bare)) return { host, isIpLiteral: true, source: 'literal', addresses: [bare], elapsedMs: 0 };
  const override = overrides.get(host.toLowerCase());
  if (override) return { host, isIpLiteral: false, source: '--resolve', addresses: [override], elapsedMs: 0 };

  const timeout = timeoutAfter(timeoutMs, 'timeout' as const);
  try {
    const answer = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout.promise]);
    if (answer === 'timeout') return { host, isIpLiteral: false, source: 'dns', addresses: [], errorCode: 'ETIMEOUT', elapsedMs: elapsed() };
    return { host, isIpLiteral: false, source: 'dns', addresses: answer.map((entry) => entry.address), elapsedMs: elapsed() };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'ERROR';
    return { host, isIpLiteral: false, source: 'dns', addresses: [], errorCode: code, elapsedMs: elapsed() };
  } finally {
    timeout.cancel();
  }
}

export function connectTcp(address: string | undefined, port: number, timeoutMs: number): Promise<TcpFacts> {
  if (!address) return Promise.resolve({ port, outcome: 'no-address', elapsedMs: 0 });
  const began = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const finish = (facts: Omit<TcpFacts, 'address' | 'port' | 'elapsedMs'>) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ address, port, ...facts, elapsedMs: Math.round(performance.now() - began) });
    };
    const timer = setTimeout(() => finish({ outcome: 'timeout', message: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.once('connect', () => finish({ outcome: 'connected' }));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'ERROR';
      if (code === 'ECONNREFUSED') finish({ outcome: 'refused', errorCode: code, message: error.message });
      else if (['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'].includes(code)) {
        finish({ outcome: 'unreachable', errorCode: code, message: error.message });
      } else if (code === 'ETIMEDOUT') finish({ outcome: 'timeout', errorCode: code, message: error.message });
      else finish({ outcome: 'error', errorCode: code, message: error.message });
    });
  });
}
