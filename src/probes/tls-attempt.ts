// One TLS handshake, observed and classified. It sends nothing but the handshake and close_notify:
// verification is recorded (authorized / authorizationError) rather than enforced, so a failing chain
// can be reported; nothing is ever sent on such a connection. (A verified, accepted one may end with
// an MQTT goodbye instead: mqtt-goodbye.ts.)
import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import tls, { type PeerCertificate, type SecureVersion } from 'node:tls';
import { BoundedCache } from '../bounded-cache.js';
import { startStep } from './deadline.js';
import { readLeafOnly } from './leaf-identity.js';
import { endTlsConnection, peerVerified, type GoodbyePlan } from './mqtt-goodbye.js';
import { trySharedSecureContext } from './secure-contexts.js';

export type TlsOutcome =
  | 'accepted' // handshake done and the server kept the session
  | 'alert' // the server refused with a TLS alert (during, or right after, the handshake)
  | 'closed' // the peer closed or reset without a TLS answer
  | 'not-tls' // the peer answered bytes that are not TLS
  | 'timeout' // no answer within the timeout
  | 'unsupported' // this client could not even offer the requested version
  | 'oversized' // the server's handshake messages exceed what TLS clients accept (a huge chain)
  | 'no-connection' // TCP itself failed
  | 'error';

export interface TlsAlert {
  number?: number;
  /** OpenSSL's words, e.g. "tlsv13 alert certificate required". */
  description: string;
  code: string;
}

export interface TlsAttempt {
  outcome: TlsOutcome;
  /** True once the client saw the server's Finished (so the server's chain is known). */
  handshakeCompleted: boolean;
  protocol?: string;
  cipher?: string;
  authorized?: boolean;
  authorizationError?: string;
  /** Certificates as the verifier assembled them, leaf first (DER, kept out of JSON). */
  peerChain?: X509Certificate[];
  alert?: TlsAlert;
  errorCode?: string;
  /** The TLS library's own message (none for a timeout or a peer that just closed). */
  message?: string;
  /** For outcome `timeout`: the limit it waited. */
  timeoutMs?: number;
  /** The peer closed the connection (after the handshake, or during it: outcome `closed`). */
  peerClosed?: boolean;
  /**
   * With `watchServerHello`: the server answered the ClientHello with its own hello, i.e. it chose a
   * version and a cipher (the client derived key material from it). An alert that ends a handshake
   * with this true came after the server had negotiated the version.
   */
  serverHello?: boolean;
  elapsedMs: number;
}

export interface TlsAttemptOptions {
  address: string;
  port: number;
  servername?: string;
  ca?: string;
  cert?: string;
  key?: string;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  timeoutMs: number;
  /** The run's cancellation: when it fires the socket is destroyed and the attempt ends. */
  signal?: AbortSignal;
  /** A TCP connection already open to address:port, to run the handshake on instead of dialling. */
  socket?: Socket;
  /** Who says an MQTT goodbye on an accepted, verified handshake (see mqtt-goodbye.ts). */
  goodbye?: GoodbyePlan;
  /** false: leave out peerChain (the attempt only asks whether the server accepts). */
  peerChain?: boolean;
  /** Record whether the server sent its hello (TlsAttempt.serverHello), for a handshake that then fails. */
  watchServerHello?: boolean;
  /**
   * Offered an accepted connection before it is ended: returning true takes it over (the attempt then
   * neither says goodbye nor closes it; `end` does that for whoever took it, should it go unused).
   */
  carry?: (connection: CarriedConnection) => boolean;
}

/** An accepted connection offered for another use (see TlsAttemptOptions.carry). */
export interface CarriedConnection {
  socket: tls.TLSSocket;
  protocol?: string;
  /** The chain verified against the trust store and the certificate names the host dialled. */
  verified: boolean;
  peerChain?: X509Certificate[];
  /** Ends it as the attempt would have: an MQTT goodbye when the plan allows, else close_notify. */
  end(): void;
}

const NOT_TLS_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_UNKNOWN_PROTOCOL',
  'ERR_SSL_RECORD_LAYER_FAILURE',
  'ERR_SSL_UNEXPECTED_RECORD',
  'ERR_SSL_HTTP_REQUEST',
]);
const CLOSED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_SSL_UNEXPECTED_EOF_WHILE_READING']);
const UNSUPPORTED_CODES = new Set(['ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'ERR_SSL_UNSUPPORTED_PROTOCOL']);
/** OpenSSL's cap on one handshake message (the certificate list): every OpenSSL client has it. */
const OVERSIZED_CODES = new Set(['ERR_SSL_EXCESSIVE_MESSAGE_SIZE', 'ERR_SSL_RECORD_TOO_LARGE', 'ERR_SSL_DATA_LENGTH_TOO_LONG']);
const TCP_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ETIMEDOUT']);

export function classifyTlsError(error: NodeJS.ErrnoException): Pick<TlsAttempt, 'outcome' | 'alert' | 'errorCode' | 'message'> {
  const code = error.code ?? 'UNKNOWN';
  const message = String(error.message ?? '');
  const alertNumber = /SSL alert number (\d+)/.exec(message);
  if (alertNumber || /_ALERT_/.test(code)) {
    const words = /routines:[^:]*:([^:]+):/.exec(message)?.[1] ?? code.replace(/^ERR_SSL_/, '').toLowerCase().replace(/_/g, ' ');
    return {
      outcome: 'alert',
      alert: { number: alertNumber ? Number(alertNumber[1]) : undefined, description: words.trim(), code },
      errorCode: code,
      message: words.trim(),
    };
  }
  if (NOT_TLS_CODES.has(code)) return { outcome: 'not-tls', errorCode: code, message };
  if (OVERSIZED_CODES.has(code)) return { outcome: 'oversized', errorCode: code, message };
  if (UNSUPPORTED_CODES.has(code)) return { outcome: 'unsupported', errorCode: code, message };
  if (CLOSED_CODES.has(code) || /socket disconnected|socket hang up/i.test(message)) {
    return { outcome: 'closed', errorCode: code, message };
  }
  if (TCP_CODES.has(code)) return { outcome: 'no-connection', errorCode: code, message };
  return { outcome: 'error', errorCode: code, message };
}

/** Parsed server certificates by SHA-256 fingerprint: a broker serves the same chain to every probe. */
const parsed = new BoundedCache<X509Certificate>(512);

/** `detailed`: the chain Node already read for checkServerIdentity, when it did (it is ~0.3 ms a read). */
function chainOf(socket: tls.TLSSocket, detailed?: PeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current: (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined = detailed ?? socket.getPeerCertificate(true);
  while (current?.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    let cert = parsed.get(current.fingerprint256);
    if (!cert) parsed.set(current.fingerprint256, (cert = new X509Certificate(current.raw)));
    chain.push(cert);
    current = current.issuerCertificate;
  }
  return chain;
}

export function attemptTls(options: TlsAttemptOptions): Promise<TlsAttempt> {
  const began = performance.now();
  return new Promise<TlsAttempt>((resolve) => {
    const step = startStep(options.signal, options.timeoutMs);
    let settled = false;
    let partial: Partial<TlsAttempt> = { handshakeCompleted: false };
    // Node reads the peer's chain for checkServerIdentity on every verified handshake; keep that read.
    let peer: PeerCertificate | undefined;
    const material = {
      ca: options.ca,
      cert: options.cert,
      key: options.key,
      minVersion: options.minVersion,
      maxVersion: options.maxVersion,
      // Report what the server offers, however weak; tls.key judges it. Verification is recorded below.
      ciphers: 'DEFAULT:@SECLEVEL=0',
    };
    let socket: tls.TLSSocket;
    try {
      socket = tls.connect({
        socket: options.socket,
        host: options.address,
        port: options.port,
        servername: options.servername,
        ...material,
        // Built once per distinct material (see secure-contexts.ts); unusable material goes to tls as before.
        secureContext: trySharedSecureContext(material),
        rejectUnauthorized: false,
        // authorizationError then speaks of the chain alone; tls.hostname judges names.
        checkServerIdentity: (_name, certificate) => {
          peer = certificate;
          return undefined;
        },
      });
    } catch (error) {
      // Material the TLS stack refuses outright: the connection handed to us goes too, not left open.
      step.dispose();
      options.socket?.destroy();
      throw error;
    }
    socket.setNoDelay(true);
    if (options.watchServerHello) {
      // OpenSSL hands the client key material only once the server's hello has chosen a version and
      // a cipher (TLS 1.2: after ServerHelloDone; TLS 1.3: right after ServerHello); an alert before
      // that (70 protocol version, 40 with no shared cipher) derives none. The line itself is dropped.
      partial.serverHello = false;
      socket.once('keylog', () => {
        partial.serverHello = true;
      });
    }
    // Nobody reads this connection's chain: Node's name check gets the leaf alone (leaf-identity.ts).
    if (options.peerChain === false) readLeafOnly(socket);

    const finish = (result: Partial<TlsAttempt>) => {
      if (settled) return;
      settled = true;
      step.signal.removeEventListener('abort', onAbort);
      step.dispose();
      socket.removeAllListeners('session');
      // Swallow late errors: the verdict is in.
      socket.on('error', () => undefined);
      const end = () => endTlsConnection(socket, result.outcome === 'accepted', options.goodbye, step.signal.aborted, peer);
      const seen = { ...partial, ...result };
      const offer = result.outcome === 'accepted' && !step.signal.aborted && socket.writable && options.carry;
      if (offer && offer({ socket, protocol: seen.protocol, verified: peerVerified(socket, options.servername ?? options.address, peer), peerChain: seen.peerChain, end })) {
        // Its new owner writes on it once this settles: not from inside the event that ended the
        // attempt (under TLS 1.3, OpenSSL's session-ticket callback, where a record written in the
        // microtasks that follow reached Mosquitto as nothing at all).
        const elapsedMs = Math.round(performance.now() - began);
        setImmediate(() => resolve({ ...seen, elapsedMs } as TlsAttempt));
        return;
      }
      // An MQTT goodbye or close_notify when we can, then the socket goes whatever the peer does.
      end();
      resolve({ ...partial, ...result, elapsedMs: Math.round(performance.now() - began) } as TlsAttempt);
    };

    const onAbort = () => {
      // A TLS 1.3 server that took the whole step to send neither ticket nor alert has accepted.
      if (step.timedOut && partial.handshakeCompleted && partial.protocol === 'TLSv1.3') {
        finish({ outcome: 'accepted' });
        return;
      }
      // partial.handshakeCompleted tells "no verdict after the handshake" from "no TLS answer".
      finish({ outcome: 'timeout', timeoutMs: options.timeoutMs });
    };
    step.signal.addEventListener('abort', onAbort, { once: true });

    socket.once('secureConnect', () => {
      const cipher = socket.getCipher();
      partial = {
        ...partial,
        handshakeCompleted: true,
        protocol: socket.getProtocol() ?? undefined,
        cipher: cipher?.standardName ?? cipher?.name,
        authorized: socket.authorized,
        authorizationError: socket.authorizationError ? String(socket.authorizationError) : undefined,
        peerChain: options.peerChain === false ? undefined : chainOf(socket, peer),
      };
      if (partial.protocol !== 'TLSv1.3') {
        finish({ outcome: 'accepted' });
        return;
      }
      // TLS 1.3: acceptance shows as a session ticket, refusal as an alert that follows the handshake
      // (Mosquitto and Node send either within a few ms). No fixed grace: a 750 ms one turned a slow
      // broker's refusal into acceptance on a loaded machine; a server that sends neither is waited
      // for until the step's deadline (starvation-extended, deadline.ts), then counts as accepting.
      socket.once('session', () => finish({ outcome: 'accepted' }));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(classifyTlsError(error)));
    socket.on('close', () => finish({ outcome: partial.handshakeCompleted ? 'accepted' : 'closed', peerClosed: true }));
  });
}
