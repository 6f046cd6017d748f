// The secure-websockets listener (TLS, upgrade, MQTT over wss like a browser) and the plain port's
// reachability from outside.
import { randomBytes, type X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { PlainExposureFacts, ServerChainFacts, WssConnectFacts, WssFacts, WssUpgrade } from '../facts.js';
import { verifiedChainEntries } from '../certs/chain-entries.js';
import { MqttSession } from './mqtt-session.js';
import { connectTcp } from './network.js';
import { sessionClientId, type BridgeIdentities } from './client-ids.js';
import { sniffPlainMqtt } from './plain-mqtt.js';
import { startStep } from './deadline.js';
import { attemptTls } from './tls-attempt.js';
import { endUpgradedConnection } from './mqtt-goodbye.js';
import { readLeafOnly } from './leaf-identity.js';
import { trySharedSecureContext } from './secure-contexts.js';

export interface EndpointContext {
  address?: string;
  servername?: string;
  ca?: string;
  /** --ca's certificates, parsed: the chain facts show what OpenSSL verifies (its copies first). */
  caCertificates?: readonly X509Certificate[];
  caFile?: ServerChainFacts['caFile'];
  timeoutMs: number;
  credentials?: { username: string; password?: string };
  /** The websockets path (--wss-path), /mqtt as browser clients use by default. */
  wssPath?: string;
  /** The run's cancellation. */
  signal?: AbortSignal;
  /** --client-id (a prefix) and the bridges' ids: for the MQTT goodbye after the upgrade. */
  clientPrefix?: string;
  bridges?: BridgeIdentities;
}

/** The HTTP upgrade a browser sends for MQTT over websockets, on a verified TLS connection. */
function tryUpgrade(ctx: EndpointContext, port: number): Promise<{ status?: number; upgrade: WssUpgrade }> {
  return new Promise((settle) => {
    // An explicit deadline: https.request's `timeout` is an idle timer, which a silent peer stretches.
    const step = startStep(ctx.signal, ctx.timeoutMs);
    const onAbort = () => {
      request.destroy();
      resolve({ upgrade: { outcome: 'timeout', timeoutMs: ctx.timeoutMs } });
    };
    step.signal.addEventListener('abort', onAbort, { once: true });
    const resolve = (value: { status?: number; upgrade: WssUpgrade }) => {
      step.signal.removeEventListener('abort', onAbort);
      step.dispose();
      settle(value);
    };
    const request = https.request(<https.RequestOptions & Pick<ConnectionOptions, 'secureContext'>>{
      host: ctx.address,
      port,
      servername: ctx.servername,
      ca: ctx.ca,
      // Built once per distinct CA (see secure-contexts.ts); unusable material goes to tls as before.
      secureContext: trySharedSecureContext({ ca: ctx.ca }),
      rejectUnauthorized: true,
      path: ctx.wssPath ?? '/mqtt',
      method: 'GET',
      // A connection of its own: nothing pooled outlives the probe.
      agent: false,
      headers: {
        Host: ctx.servername ?? ctx.address,
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Protocol': 'mqtt',
      },
    });
    request.setNoDelay(true);
    // The upgrade reports no chain (the attempt beside it does): Node's name check gets the leaf alone.
    request.once('socket', (socket) => readLeafOnly(socket as TLSSocket));
    request.on('upgrade', (response, socket) => {
      // A browser's session would follow: an MQTT goodbye ends it as one, not as a dropped connection.
      const name = ctx.servername ?? ctx.address ?? '';
      endUpgradedConnection(socket as TLSSocket, { clientId: sessionClientId(ctx.clientPrefix, 'wss-upgrade'), name, credentials: ctx.credentials, bridges: ctx.bridges });
      const subprotocol = response.headers['sec-websocket-protocol'];
      resolve({ status: response.statusCode, upgrade: { outcome: 'switched', subprotocol: Array.isArray(subprotocol) ? subprotocol.join(', ') : subprotocol } });
    });
    request.on('response', (response) => {
      response.resume();
      request.destroy();
      resolve({ status: response.statusCode, upgrade: { outcome: 'http-answer', status: response.statusCode ?? 0 } });
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ upgrade: { outcome: 'error', errorCode: error.code, message: error.message } }));
    request.end();
  });
}

export async function probeWss(ctx: EndpointContext, port: number): Promise<WssFacts> {
  const tcp = await connectTcp(ctx.address, port, ctx.timeoutMs, ctx.signal);
  const unavailable = (why: ServerChainFacts['unavailable']): ServerChainFacts => ({ available: false, unavailable: why, certificates: [], trustStore: ctx.ca ? 'ca-file' : 'system', caFile: ctx.caFile });
  if (tcp.outcome !== 'connected') {
    return { port, tcp, chain: unavailable({ cause: 'no-connection', errorCode: tcp.errorCode }), handshakeOutcome: 'no-connection' };
  }
  // Like a browser: no client certificate. The upgrade verifies the certificate itself (nothing is sent
  // if it fails), so it runs alongside the look at the chain: websockets round trips are slow.
  const [attempt, upgrade] = await Promise.all([
    attemptTls({ address: ctx.address!, port, servername: ctx.servername, ca: ctx.ca, timeoutMs: ctx.timeoutMs, signal: ctx.signal }),
    tryUpgrade(ctx, port),
  ]);
  if (!attempt.handshakeCompleted || !attempt.peerChain?.length) {
    return {
      port,
      tcp,
      chain: unavailable({ cause: attempt.outcome, alert: attempt.alert?.description, errorCode: attempt.errorCode, message: attempt.message, timeoutMs: attempt.timeoutMs }),
      handshakeOutcome: attempt.outcome,
      handshakeDetail: attempt.alert?.description ?? attempt.message,
    };
  }
  const chain: ServerChainFacts = {
    available: true,
    certificates: verifiedChainEntries(attempt.peerChain, ctx.caCertificates),
    verifyError: attempt.authorizationError,
    trustStore: ctx.ca ? 'ca-file' : 'system',
    caFile: ctx.caFile,
  };
  return {
    port,
    tcp,
    chain,
    handshakeOutcome: attempt.outcome,
    handshakeDetail: attempt.protocol,
    path: ctx.wssPath ?? '/mqtt',
    upgradeStatus: upgrade.status,
    upgrade: attempt.authorizationError ? { outcome: 'not-sent' } : upgrade.upgrade,
  };
}

export async function probeWssConnect(ctx: EndpointContext, port: number, version: 4 | 5, wss: WssFacts, clientPrefix?: string, bridges?: BridgeIdentities): Promise<WssConnectFacts> {
  if (wss.upgradeStatus !== 101) return { tried: false, notTried: 'upgrade-failed' };
  const clientId = sessionClientId(clientPrefix, 'wss');
  const transcript: string[] = [];
  const url = `wss://${ctx.address?.includes(':') ? `[${ctx.address}]` : ctx.address}:${port}${ctx.wssPath ?? '/mqtt'}`;
  const { session, result } = await MqttSession.open({
    url,
    clientId,
    protocolVersion: version,
    timeoutMs: ctx.timeoutMs,
    tls: { ca: ctx.ca },
    wsServername: ctx.servername,
    credentials: ctx.credentials,
    transcript,
    signal: ctx.signal,
    bridges,
  });
  await session?.close();
  return { tried: true, connect: { ...result, clientId, protocolVersion: version, transcript, ...(ctx.credentials ? { withUsername: true } : {}) } };
}

export async function probePlainExposure(address: string | undefined, port: number, timeoutMs: number, signal?: AbortSignal): Promise<PlainExposureFacts> {
  if (address === '127.0.0.1') return { address, port, indistinguishable: true };
  const tcp = await connectTcp(address, port, timeoutMs, signal);
  if (tcp.outcome !== 'connected' || !address) return { address, port, indistinguishable: false, tcp };
  return { address, port, indistinguishable: false, tcp, mqtt: await sniffPlainMqtt(address, port, timeoutMs, signal) };
}
