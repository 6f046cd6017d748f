// The MQTT goodbye that ends a TLS probe's handshake: its bytes, read back by mqtt-packet (the parser
// mqtt.js uses), and on real TLS servers, that it is only ever sent to a verified peer, never with a
// login, never under a bridge's client id.
import type tls from 'node:tls';
import mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeIdentities } from '../../src/probes/client-ids.js';
import { goodbyePackets, websocketBinaryFrame, websocketCloseFrame, type GoodbyePlan } from '../../src/probes/mqtt-goodbye.js';
import { attemptTls } from '../../src/probes/tls-attempt.js';
import { HOSTILE_FQDN, makePki, tlsPeer, type Peer, type Pki } from '../hostile/peers.js';

function decode(bytes: Buffer): mqttPacket.Packet[] {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const packets: mqttPacket.Packet[] = [];
  const errors: Error[] = [];
  parser.on('packet', (packet) => packets.push(packet));
  parser.on('error', (error) => errors.push(error));
  parser.parse(bytes);
  expect(errors).toEqual([]);
  return packets;
}

function unmask(frame: Buffer): { opcode: number; fin: boolean; payload: Buffer } {
  expect(frame[1] & 0x80).toBe(0x80); // a client's frames are masked
  let length = frame[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    length = frame.readUInt16BE(2);
    offset = 4;
  }
  const mask = frame.subarray(offset, offset + 4);
  const payload = Buffer.from(frame.subarray(offset + 4, offset + 4 + length));
  for (let i = 0; i < payload.length; i += 1) payload[i] ^= mask[i % 4];
  expect(frame.length).toBe(offset + 4 + length);
  return { opcode: frame[0] & 0x0f, fin: (frame[0] & 0x80) === 0x80, payload };
}

describe('the goodbye packets', () => {
  it('are a clean-session MQTT 3.1.1 CONNECT without login or will, then DISCONNECT', () => {
    const [connect, disconnect, ...rest] = decode(goodbyePackets('ci-probe-tls1.2'));
    expect(rest).toEqual([]);
    expect(connect).toMatchObject({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'ci-probe-tls1.2' });
    expect((connect as mqttPacket.IConnectPacket).username).toBeUndefined();
    expect((connect as mqttPacket.IConnectPacket).password).toBeUndefined();
    expect((connect as mqttPacket.IConnectPacket).will).toBeUndefined();
    expect(disconnect.cmd).toBe('disconnect');
  });

  it('carry a long client id (a two-byte remaining length)', () => {
    const id = `lampi-${'x'.repeat(200)}-tls`;
    const [connect] = decode(goodbyePackets(id));
    expect((connect as mqttPacket.IConnectPacket).clientId).toBe(id);
  });

  it('travel over websockets as one masked binary frame, followed by a masked close (1000)', () => {
    const frame = unmask(websocketBinaryFrame(goodbyePackets('ci-probe-wss-upgrade')));
    expect(frame).toMatchObject({ opcode: 2, fin: true });
    expect(decode(frame.payload).map((packet) => packet.cmd)).toEqual(['connect', 'disconnect']);
    const close = unmask(websocketCloseFrame());
    expect(close).toMatchObject({ opcode: 8, fin: true });
    expect(close.payload.readUInt16BE(0)).toBe(1000);
  });
});

describe('a goodbye is only sent to a verified peer, without login, never as a bridge', () => {
  let pki: Pki;
  let peer: Peer;
  const received: Buffer[] = [];
  let connections = 0;
  const ended: (() => void)[] = [];

  beforeAll(async () => {
    pki = await makePki();
    peer = await tlsPeer(pki, (socket: tls.TLSSocket) => {
      connections += 1;
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('close', () => {
        received.push(Buffer.concat(chunks));
        ended.shift()?.();
      });
    });
  });
  afterAll(async () => {
    await peer?.close();
  });

  /** One attempt; what the server read on that connection, once it closed. */
  const bytesSent = async (plan: GoodbyePlan, options: { ca?: string; servername?: string } = {}) => {
    const closed = new Promise<void>((resolve) => ended.push(resolve));
    const before = connections;
    const attempt = await attemptTls({ address: '127.0.0.1', port: peer.port, servername: options.servername ?? HOSTILE_FQDN, ca: 'ca' in options ? options.ca : pki.ca.certPem, timeoutMs: 3000, goodbye: plan });
    expect(attempt.outcome).toBe('accepted');
    await closed;
    expect(connections).toBe(before + 1);
    return received.at(-1)!;
  };
  const plan = (clientId = 'ci-tls'): GoodbyePlan => ({ clientId, name: HOSTILE_FQDN });

  it('a verified peer whose name matches reads CONNECT then DISCONNECT', async () => {
    const bytes = await bytesSent(plan());
    expect(bytes.equals(goodbyePackets('ci-tls'))).toBe(true);
  });

  it('a peer whose chain does not verify reads nothing', async () => {
    expect((await bytesSent(plan(), { ca: undefined })).length).toBe(0);
  });

  it('a peer whose certificate names another host reads nothing', async () => {
    expect((await bytesSent({ clientId: 'ci-tls', name: 'other.lampi.test' }, { servername: 'other.lampi.test' })).length).toBe(0);
  });

  it('with an MQTT login for the run, or under a bridge\'s client id, nothing is sent', async () => {
    expect((await bytesSent({ ...plan(), credentials: { username: 'u', password: 'p' } })).length).toBe(0);
    expect((await bytesSent({ ...plan('b827eb74663e_broker'), bridges: new BridgeIdentities() })).length).toBe(0);
  });
});
