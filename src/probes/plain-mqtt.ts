// Asks a port, in the clear, whether it speaks MQTT: one CONNECT with a unique client id and a
// clean session, then DISCONNECT if it was accepted. Used only to explain a TLS port that hung up.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { startStep } from './deadline.js';

export interface PlainMqttFacts {
  speaksMqtt: boolean;
  /** CONNACK return code when it answered (0 = accepted, 5 = not authorised, ...). */
  returnCode?: number;
  /** What came back: a CONNACK, other bytes, nothing within the timeout, a close, or a socket error. */
  answer: 'connack' | 'other-bytes' | 'silent' | 'closed' | 'error';
  /** The first bytes (hex) of an answer that is not a CONNACK. */
  firstBytes?: string;
  errorCode?: string;
  timeoutMs?: number;
}

export function diagnosticClientId(): string {
  return `lampi-doctor-${randomBytes(6).toString('hex')}`;
}

function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId, 'utf8');
  const variableHeader = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x0a]);
  const payload = Buffer.concat([Buffer.from([id.length >> 8, id.length & 0xff]), id]);
  const remaining = variableHeader.length + payload.length; // < 128 for our ids
  return Buffer.concat([Buffer.from([0x10, remaining]), variableHeader, payload]);
}

const DISCONNECT = Buffer.from([0xe0, 0x00]);

export function sniffPlainMqtt(address: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<PlainMqttFacts> {
  return new Promise((resolve) => {
    const step = startStep(signal, timeoutMs);
    const socket = net.connect({ host: address, port, noDelay: true });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (facts: PlainMqttFacts) => {
      if (settled) return;
      settled = true;
      step.signal.removeEventListener('abort', onAbort);
      step.dispose();
      socket.removeAllListeners('data');
      socket.on('error', () => undefined);
      if (facts.returnCode === 0 && socket.writable) socket.end(DISCONNECT);
      else socket.end();
      setTimeout(() => socket.destroy(), 50);
      resolve(facts);
    };
    const onAbort = () => finish({ speaksMqtt: false, answer: 'silent', timeoutMs });
    step.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => socket.write(connectPacket(diagnosticClientId())));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      if (received[0] === 0x20 && received[1] === 0x02) {
        finish({ speaksMqtt: true, returnCode: received[3], answer: 'connack' });
      } else {
        finish({ speaksMqtt: false, answer: 'other-bytes', firstBytes: received.subarray(0, 8).toString('hex') });
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish({ speaksMqtt: false, answer: 'error', errorCode: error.code ?? 'ERROR' }));
    socket.on('close', () => finish({ speaksMqtt: false, answer: 'closed' }));
  });
}
