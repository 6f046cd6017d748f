// A clean MQTT goodbye on a connection a probe opened only for its TLS (or websocket) handshake.
// Mosquitto logs a TLS connection that ends without MQTT as `Client <unknown> closed its connection`
// or `disconnected: Protocol error`; one CONNECT (clean session, no credentials, a client id of its
// own) followed at once by DISCONNECT makes it an ordinary session that logs in and out.
//
// Only ever on a handshake the server accepted, whose chain verified and whose name matched: no byte
// goes to a peer we could not verify. Never with the user's -u/-P (the goodbye carries no login, and a
// broker that wants one would only refuse it), never under a bridge's client id.
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import type { BridgeIdentities } from './client-ids.js';

/** Who says goodbye, and when not to. */
export interface GoodbyePlan {
  clientId: string;
  /** The name the certificate must match: the TLS name, or the dialled address for a literal target. */
  name: string;
  /** The run uses an MQTT login: a goodbye without it would be refused, so none is sent. */
  credentials?: unknown;
  bridges?: BridgeIdentities;
}

/**
 * Time the peer gets to read the goodbye before the socket goes regardless (Mosquitto closes its end
 * right after DISCONNECT, within milliseconds; a loaded broker gets longer, as MqttSession's goodbye does).
 */
const GOODBYE_GRACE_MS = 500;

const PROTOCOL_NAME = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54]); // "MQTT"
const PROTOCOL_LEVEL_311 = 0x04;
const CLEAN_SESSION = 0x02;
const KEEPALIVE_S = 10;
export const DISCONNECT_PACKET = Buffer.from([0xe0, 0x00]);

function remainingLength(length: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return Buffer.from(bytes);
}

/** MQTT 3.1.1 CONNECT: clean session, no will, no username or password. */
export function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId, 'utf8');
  const variableHeader = Buffer.concat([PROTOCOL_NAME, Buffer.from([PROTOCOL_LEVEL_311, CLEAN_SESSION, KEEPALIVE_S >> 8, KEEPALIVE_S & 0xff])]);
  const payload = Buffer.concat([Buffer.from([id.length >> 8, id.length & 0xff]), id]);
  const body = Buffer.concat([variableHeader, payload]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

/** CONNECT then DISCONNECT, as one write. */
export function goodbyePackets(clientId: string): Buffer {
  return Buffer.concat([connectPacket(clientId), DISCONNECT_PACKET]);
}

/** One masked, final, binary websocket frame (a client's frames must be masked, RFC 6455 5.3). */
export function websocketBinaryFrame(payload: Buffer, mask: Buffer = randomBytes(4)): Buffer {
  let header: Buffer;
  if (payload.length < 126) header = Buffer.from([0x82, 0x80 | payload.length]);
  else if (payload.length < 65536) header = Buffer.from([0x82, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  else throw new RangeError('a goodbye frame is small');
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i += 1) masked[i] = payload[i] ^ mask[i % 4];
  return Buffer.concat([header, mask, masked]);
}

/** A masked websocket close frame, status 1000 (normal closure). */
export function websocketCloseFrame(mask: Buffer = randomBytes(4)): Buffer {
  const status = Buffer.from([0x03, 0xe8]);
  return Buffer.from([0x88, 0x80 | status.length, ...mask, status[0] ^ mask[0], status[1] ^ mask[1]]);
}

/** Whether a goodbye may be sent at all on this plan (credentials, bridge ids). */
export function goodbyeAllowed(plan: GoodbyePlan | undefined): plan is GoodbyePlan {
  return Boolean(plan && !plan.credentials && !plan.bridges?.clashes(plan.clientId));
}

/** The server's certificate verified against the trust store and matches the name we dialled. */
export function peerVerified(socket: tls.TLSSocket, name: string, read?: tls.PeerCertificate): boolean {
  if (!socket.authorized) return false;
  const peer = read ?? socket.getPeerCertificate();
  if (!peer || !Object.keys(peer).length) return false;
  return tls.checkServerIdentity(name, peer) === undefined;
}

/**
 * Ends a TLS connection whose handshake is over: with an MQTT goodbye when the plan allows it and
 * the peer verified, with close_notify alone otherwise. The socket is destroyed after a short grace
 * either way (or at once when `destroyNow`).
 */
/** `peer`: the server's certificate as the handshake already read it, if it did. */
export function endTlsConnection(socket: tls.TLSSocket, accepted: boolean, plan: GoodbyePlan | undefined, destroyNow: boolean, peer?: tls.PeerCertificate): void {
  if (destroyNow || !socket.writable) {
    socket.destroy();
    return;
  }
  if (accepted && goodbyeAllowed(plan) && peerVerified(socket, plan.name, peer)) {
    // Not from inside the event that ended the attempt: under TLS 1.3 that is OpenSSL's session-ticket
    // callback, and a record written there reaches Mosquitto as "decryption failed or bad record mac".
    const clientId = plan.clientId;
    setImmediate(() => {
      if (socket.writable) socket.end(goodbyePackets(clientId));
      else socket.destroy();
    });
  } else socket.end();
  setTimeout(() => socket.destroy(), accepted ? GOODBYE_GRACE_MS : 50).unref();
}

/** After a websocket upgrade (101): CONNECT + DISCONNECT in one binary frame, a close frame, then the socket goes. */
export function endUpgradedConnection(socket: tls.TLSSocket, plan: GoodbyePlan | undefined): void {
  if (!socket.writable || !goodbyeAllowed(plan) || !peerVerified(socket, plan.name)) {
    socket.destroy();
    return;
  }
  socket.write(websocketBinaryFrame(goodbyePackets(plan.clientId)));
  socket.end(websocketCloseFrame());
  setTimeout(() => socket.destroy(), GOODBYE_GRACE_MS).unref();
}
