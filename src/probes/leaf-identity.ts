// On every verified handshake Node reads the server's whole chain (`getPeerCertificate(true)`: each
// certificate converted, its issuer looked up in the trust store, three fingerprints each) only to
// hand it to checkServerIdentity, which reads the leaf's subject and subjectaltname. That read was
// the largest single cost of grading a class (~14% of its CPU at 1000 students). On a connection
// whose chain nobody looks at (the MQTT sessions, the version and client-certificate probes, the
// websockets upgrade) Node is given the leaf alone instead: the same names, so the same check with
// the same outcome, at a twentieth of the cost. Verification itself (OpenSSL's, against the CA) is
// untouched; the main handshake and the websockets chain probe, which report the chain, still read it.
import tls, { type ConnectionOptions, type TLSSocket } from 'node:tls';
import { isIP } from '../ip-address.js';

const readPeer = tls.TLSSocket.prototype.getPeerCertificate;

/** From now on this socket answers every read of the peer's certificate with the leaf alone. */
export function readLeafOnly<T extends TLSSocket>(socket: T): T {
  Object.defineProperty(socket, 'getPeerCertificate', {
    configurable: true,
    writable: true,
    value: function leafOnly(this: TLSSocket) {
      return readPeer.call(this, false);
    },
  });
  return socket;
}

/**
 * ws's own TLS dialler (`tlsConnect` in ws/lib/websocket.js), reading the leaf alone: for
 * `wsOptions.createConnection`, so a websockets session connects exactly as ws would connect it.
 */
export function wsTlsConnect(options: ConnectionOptions & { path?: string }): TLSSocket {
  options.path = undefined;
  if (!options.servername && options.servername !== '') options.servername = isIP(options.host ?? '') ? '' : options.host;
  return readLeafOnly(tls.connect(options));
}
