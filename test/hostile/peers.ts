// Hostile peers: real servers on loopback that misbehave on purpose (never mocks). Each returns its
// port and a close() that destroys every connection it holds.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { issue, type Issued } from '../../src/lab/pki.js';

export const HOSTILE_FQDN = 'hostile.lampi.test';

export interface Peer {
  port: number;
  close(): Promise<void>;
}

function track(server: net.Server): Peer & { sockets: Set<net.Socket> } {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const peer = {
    sockets,
    port: 0,
    async close() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  (server as net.Server & { timers?: Set<NodeJS.Timeout> }).timers = timers;
  return peer;
}

async function listen(server: net.Server, backlog?: number): Promise<number> {
  server.listen({ host: '127.0.0.1', port: 0, backlog });
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

export type TcpBehaviour = 'silent' | 'rst' | 'fin' | 'garbage';

/** Plain TCP: accepts, then stays silent, resets, closes, or answers bytes that are no protocol. */
export async function tcpPeer(behaviour: TcpBehaviour): Promise<Peer> {
  const server = net.createServer((socket) => {
    if (behaviour === 'rst') socket.resetAndDestroy();
    else if (behaviour === 'fin') socket.end();
    else if (behaviour === 'garbage') socket.write(Buffer.from('\x00\xffgarbage, not a protocol\r\n\x13\x37'.repeat(8), 'latin1'));
  });
  const peer = track(server);
  peer.port = await listen(server);
  return peer;
}

/**
 * A full accept queue: the kernel then drops new SYNs, as a closed security group does. A child
 * process listens with backlog 0 and then blocks its event loop, so it never accepts; a few
 * connections of ours fill the queue first.
 */
export async function synDropPeer(): Promise<Peer> {
  const script = `const s = require('net').createServer();
s.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
  process.stdout.write(s.address().port + '\\n');
  setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0), 50);
});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  await new Promise((resolve) => setTimeout(resolve, 200));
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 8; i += 1) {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    fillers.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  return {
    port,
    async close() {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
    },
  };
}

export interface Pki {
  dir: string;
  ca: Issued;
  caFile: string;
  server: Issued;
  /** Server certificate followed by `padding` unrelated certificates: a chain far over OpenSSL's limit. */
  hugeChainPem(): Promise<string>;
}

export async function makePki(): Promise<Pki> {
  const dir = mkdtempSync(join(tmpdir(), 'lampi-hostile-'));
  const ca = await issue({ commonName: 'Hostile Test CA', isCa: true });
  const server = await issue({ commonName: HOSTILE_FQDN, issuer: ca, dnsNames: [HOSTILE_FQDN], usage: 'server' });
  const caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, ca.certPem);
  return {
    dir,
    ca,
    caFile,
    server,
    async hugeChainPem() {
      // ~1 MB: the same intermediate-looking certificate repeated (OpenSSL reads the whole list first).
      const filler = await issue({ commonName: 'Filler intermediate '.padEnd(60, 'x'), issuer: ca, isCa: true, key: { kind: 'rsa', bits: 4096 } });
      const copies = Math.ceil((1024 * 1024) / filler.certPem.length);
      return server.certPem + filler.certPem.repeat(copies);
    },
  };
}

/** TLS that completes the handshake (with the test CA's server certificate), then hands the socket on. */
export async function tlsPeer(pki: Pki, onSecure: (socket: tls.TLSSocket) => void, certPem = pki.server.certPem): Promise<Peer> {
  const server = tls.createServer({ cert: certPem, key: pki.server.keyPem }, onSecure);
  server.on('tlsClientError', () => undefined);
  const peer = track(server);
  server.on('secureConnection', (socket) => {
    peer.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => peer.sockets.delete(socket));
  });
  peer.port = await listen(server);
  return peer;
}

// ---- a minimal MQTT speaker ----

export interface MqttBehaviour {
  /** What answers CONNECT: a normal CONNACK, nothing, raw bytes, or a 1 byte/s drip of a CONNACK. */
  connect: 'connack' | 'silent' | 'drip' | Buffer;
  /** 'close': the connection is ended (FIN) at the first SUBSCRIBE, as a broker that drops the session. */
  subscribe?: 'suback' | 'silent' | 'close';
  /** With 'suback': only the first N SUBSCRIBEs of a connection are answered, later ones never. */
  answerSubscribes?: number;
  /** 'wedge': the connection answers nothing at all after its first PUBLISH (a black-holed link). */
  /** 'close': the connection is ended (FIN) at the first PUBLISH, as Mosquitto does for one over max_packet_size. */
  publish?: 'ack-and-deliver' | 'ack-only' | 'silent' | 'wedge' | 'close';
  /** With 'ack-and-deliver': only the first N PUBLISHes are delivered, later ones only acknowledged. */
  deliverFirst?: number;
  ping?: 'pingresp' | 'silent';
}

const CONNACK = Buffer.from([0x20, 0x02, 0x00, 0x00]);

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

function packet(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), remainingLength(body.length), body]);
}

export const RAW = {
  garbageConnack: Buffer.from([0x20, 0x07, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02]),
  unknownConnackCode: Buffer.from([0x20, 0x02, 0x00, 0x2a]),
  malformedRemainingLength: Buffer.from([0x20, 0xff, 0xff, 0xff, 0xff, 0x7f]),
  /** A PUBLISH announcing 200 MB, of which a few bytes ever come. */
  hugeAnnounced: Buffer.concat([Buffer.from([0x30]), remainingLength(200 * 1024 * 1024), Buffer.from([0x00, 0x01, 0x61])]),
};

/** Speaks just enough MQTT 3.1.1 to misbehave at one chosen step. */
function speakMqtt(socket: net.Socket, behaviour: MqttBehaviour, timers: Set<NodeJS.Timeout>): void {
  let buffer = Buffer.alloc(0);
  const subscriptions = new Set<string>();
  let delivered = 0;
  let subscribes = 0;
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      let multiplier = 1;
      let length = 0;
      let offset = 1;
      let complete = false;
      while (offset < buffer.length && offset <= 4) {
        const byte = buffer[offset];
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        offset += 1;
        if (!(byte & 0x80)) {
          complete = true;
          break;
        }
      }
      if (!complete || buffer.length < offset + length) return;
      const type = buffer[0] >> 4;
      const flags = buffer[0] & 0x0f;
      const body = buffer.subarray(offset, offset + length);
      buffer = buffer.subarray(offset + length);
      answer(type, flags, body);
    }
  });
  let wedged = false;
  const answer = (type: number, flags: number, body: Buffer) => {
    if (wedged) return;
    switch (type) {
      case 1: // CONNECT
        if (behaviour.connect === 'connack') socket.write(CONNACK);
        else if (behaviour.connect === 'drip') {
          const bytes = Buffer.concat([CONNACK, RAW.hugeAnnounced]);
          let next = 0;
          const timer = setInterval(() => {
            if (socket.destroyed || next >= bytes.length) return clearInterval(timer);
            socket.write(bytes.subarray(next, next + 1));
            next += 1;
          }, 1000);
          timers.add(timer);
          socket.on('close', () => clearInterval(timer));
        } else if (Buffer.isBuffer(behaviour.connect)) socket.write(behaviour.connect);
        return;
      case 3: {
        // PUBLISH
        const qos = (flags >> 1) & 3;
        const topicLength = body.readUInt16BE(0);
        const topic = body.subarray(2, 2 + topicLength).toString();
        const id = qos > 0 ? body.subarray(2 + topicLength, 4 + topicLength) : undefined;
        if (behaviour.publish === 'silent') return;
        if (behaviour.publish === 'close') {
          socket.end();
          return;
        }
        if (behaviour.publish === 'wedge') {
          wedged = true;
          return;
        }
        if (id && qos === 1) socket.write(Buffer.concat([Buffer.from([0x40, 0x02]), id]));
        if (id && qos === 2) socket.write(Buffer.concat([Buffer.from([0x50, 0x02]), id]));
        if (behaviour.publish === 'ack-and-deliver' && subscriptions.has(topic) && delivered++ < (behaviour.deliverFirst ?? Infinity)) {
          const payload = body.subarray(qos > 0 ? 4 + topicLength : 2 + topicLength);
          socket.write(packet(0x30, Buffer.concat([body.subarray(0, 2 + topicLength), payload])));
        }
        return;
      }
      case 6: // PUBREL
        socket.write(Buffer.concat([Buffer.from([0x70, 0x02]), body.subarray(0, 2)]));
        return;
      case 8: {
        // SUBSCRIBE
        if (behaviour.subscribe === 'close') {
          socket.end();
          return;
        }
        if (behaviour.subscribe === 'silent' || subscribes++ >= (behaviour.answerSubscribes ?? Infinity)) return;
        const id = body.subarray(0, 2);
        const granted: number[] = [];
        for (let at = 2; at < body.length; ) {
          const length = body.readUInt16BE(at);
          subscriptions.add(body.subarray(at + 2, at + 2 + length).toString());
          at += 2 + length;
          granted.push(body[at] & 3);
          at += 1;
        }
        socket.write(packet(0x90, Buffer.concat([id, Buffer.from(granted)])));
        return;
      }
      case 10: // UNSUBSCRIBE
        if (behaviour.subscribe === 'silent' || subscribes++ >= (behaviour.answerSubscribes ?? Infinity)) return;
        socket.write(Buffer.concat([Buffer.from([0xb0, 0x02]), body.subarray(0, 2)]));
        return;
      case 12: // PINGREQ
        if (behaviour.ping !== 'silent') socket.write(Buffer.from([0xd0, 0x00]));
        return;
      case 14: // DISCONNECT
        socket.end();
        return;
      default:
    }
  };
}

/** An MQTT speaker over TLS (the cloud port) or plain TCP (a lamp's --local). */
export async function mqttPeer(behaviour: MqttBehaviour, over: { tls: Pki } | 'plain'): Promise<Peer> {
  const timers = new Set<NodeJS.Timeout>();
  const peer =
    over === 'plain'
      ? await (async () => {
          const server = net.createServer((socket) => speakMqtt(socket, behaviour, timers));
          const tracked = track(server);
          tracked.port = await listen(server);
          return tracked;
        })()
      : await tlsPeer(over.tls, (socket) => speakMqtt(socket, behaviour, timers));
  return {
    port: peer.port,
    async close() {
      for (const timer of timers) clearInterval(timer);
      await peer.close();
    },
  };
}

/** HTTPS that answers the websocket upgrade with 200, or with 101 and then nothing. */
export async function websocketPeer(pki: Pki, answer: 200 | 101): Promise<Peer> {
  return tlsPeer(pki, (socket) => {
    socket.once('data', (request: Buffer) => {
      const key = /sec-websocket-key:\s*(\S+)/i.exec(request.toString())?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      if (answer === 200) socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok');
      else {
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: mqtt\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      }
    });
  });
}

/** A port that refuses at once: a closed port for the checks a case is not about. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
