// mqtt.connect, mqtt.roundtrip and wss.connect from hand-written facts: every CONNACK code of MQTT
// 3.1.1 and 5 the tool explains, and every other way a CONNECT ends.
import { describe, expect, it } from 'vitest';
import { mqttConnect } from '../../checks/mqtt-connect.js';
import { mqttRoundtrip } from '../../checks/mqtt-roundtrip.js';
import { wssConnect } from '../../checks/wss.js';
import type { ClientCertificateFacts, MqttConnectFacts } from '../../src/facts.js';
import { connected, settings, withFacts } from '../helpers/facts.js';

function connect(patch: Partial<MqttConnectFacts>, client?: (c: ClientCertificateFacts) => void) {
  return mqttConnect.run(
    withFacts((f) => {
      f.mqttConnect = connected(patch);
      client?.(f.clientCertificate);
    }),
    settings,
  );
}
const refusedWith = (returnCode: number, client?: (c: ClientCertificateFacts) => void) => connect({ outcome: 'refused', returnCode }, client);
const noCert = (c: ClientCertificateFacts) => {
  c.given = false;
  c.certificate = undefined;
};

describe('mqtt.connect: CONNACK codes', () => {
  it.each([
    [1, 'protocol-version', 'unacceptable protocol version'],
    [0x84, 'protocol-version', 'unacceptable protocol version'],
    [2, 'client-id-rejected', 'client identifier rejected'],
    [0x85, 'client-id-rejected', 'client identifier rejected'],
    [3, 'server-unavailable', 'server unavailable'],
    [0x88, 'server-unavailable', 'server unavailable'],
    [0x89, 'server-unavailable', 'server unavailable'],
    [4, 'no-certificate-identity', 'bad user name or password: lampi-doctor sends no username'],
    [0x86, 'no-certificate-identity', 'bad user name or password: lampi-doctor sends no username'],
    [5, 'not-authorised', 'not authorised: no username was sent, so the broker took this client as anonymous or refused its client id lampi-doctor-0123456789ab'],
    [0x87, 'not-authorised', 'not authorised: no username was sent, so the broker took this client as anonymous or refused its client id lampi-doctor-0123456789ab'],
    [0x8a, 'banned', 'banned'],
    [0x97, 'refused', 'refused with code 151'],
  ] as const)('CONNACK %i is %s', (returnCode, code, words) => {
    const out = refusedWith(returnCode);
    expect([out.status, out.code]).toEqual(['fail', code]);
    expect(out.summary.startsWith(`the broker refused the MQTT CONNECT: ${words}`)).toBe(true);
    expect(out.summary.endsWith(`(CONNACK ${returnCode})`)).toBe(true);
    expect(out.evidence).toMatchObject({ outcome: 'refused', returnCode });
  });

  it('names the CN the certificate gives as the username in the fix for "not authorised"', () => {
    expect(refusedWith(5).hint).toContain("so the certificate's CN (b827eb74663e_broker) becomes the username");
    expect(refusedWith(5, noCert).hint).toContain("so the certificate's CN ((no client certificate)) becomes the username");
  });

  it('with -u/-P, "not authorised" is a refused login, not an anonymous client (lab, finding 6)', () => {
    // Mosquitto 2.0.11, a password_file listener and a wrong -P: mosquitto_pub gets CONNACK 5 too.
    const out = connect({ outcome: 'refused', returnCode: 5, withUsername: true });
    expect(out.code).toBe('not-authorised');
    expect(out.summary).toBe('the broker refused the MQTT CONNECT: not authorised: the broker refused the username and password sent with -u/-P, or the client id lampi-doctor-0123456789ab (CONNACK 5)');
    expect(out.hint).toContain("the password does not match the username's entry in the listener's `password_file`");
    expect(out.hint).toContain('mosquitto_passwd');
    expect(out.summary + out.hint).not.toMatch(/anonymous|use_identity_as_username/);
  });

  it('without a username, lists the candidates instead of claiming use_identity_as_username is missing (lab, finding 5)', () => {
    const out = refusedWith(5);
    expect(out.hint).toContain('cannot tell from here which refused it');
    expect(out.hint).toContain('(2) `clientid_prefixes` in mosquitto.conf, which the client id lampi-doctor-0123456789ab does not start with');
    expect(out.hint).not.toMatch(/^Mosquitto 2 refuses|add `use_identity_as_username/);
  });

  it('blames a client certificate without a CN for "bad user name or password"', () => {
    const out = refusedWith(4, (c) => (c.certificate = { ...c.certificate!, commonName: undefined, subject: 'O=LAMPI' }));
    expect(out.code).toBe('no-certificate-identity');
    expect(out.summary).toContain('your client certificate has no CN (subject O=LAMPI)');
    expect(refusedWith(4).summary).toContain('a CN it cannot use as b827eb74663e_broker');
  });

  it('says what a refusal without a code was', () => {
    const out = connect({ outcome: 'refused', returnCode: undefined });
    expect([out.code, out.summary]).toEqual(['refused', 'the broker refused the MQTT CONNECT: refused with code -1 (CONNACK undefined)']);
  });
});

describe('mqtt.connect: other endings', () => {
  it('passes MQTT 5 and 3.1.1, with the username only when a certificate went along', () => {
    expect(connect({ protocolVersion: 5, elapsedMs: 7 }).summary).toBe('MQTT 5 CONNECT accepted for client id lampi-doctor-0123456789ab (CONNACK 0, 7 ms); with use_identity_as_username its username is b827eb74663e_broker');
    expect(connect({}, noCert).summary).toBe('MQTT 3.1.1 CONNECT accepted for client id lampi-doctor-0123456789ab (CONNACK 0, 12 ms)');
    expect(connect({ protocolVersion: 5 }).evidence).toMatchObject({ protocolVersion: '5', clientId: 'lampi-doctor-0123456789ab', elapsedMs: 12 });
    expect(connect({}).evidence).toMatchObject({ protocolVersion: '3.1.1' });
    // With -u, the username is the one given, not the certificate's CN (finding 6's lab: -u doctor with doctor_client.crt).
    expect(connect({ withUsername: true }).summary).toBe('MQTT 3.1.1 CONNECT accepted for client id lampi-doctor-0123456789ab (CONNACK 0, 12 ms); logged in with the username given (-u)');
  });

  it('prefixes the alert verdict for a TLS session refused before CONNACK, counting the certificate as sent', () => {
    const out = connect({ outcome: 'tls-alert', alert: { number: 40, description: 'sslv3 alert handshake failure', code: 'X' } });
    expect(out.code).toBe('handshake-failure');
    expect(out.summary.startsWith('the broker refused the TLS session before CONNACK: the broker ended the handshake with alert 40')).toBe(true);
    expect(out.evidence?.alert).toEqual({ number: 40, description: 'sslv3 alert handshake failure' });
    const unknown = connect({ outcome: 'tls-alert' });
    expect([unknown.code, unknown.summary]).toEqual(['alert', 'the broker refused the TLS session before CONNACK: the broker ended the handshake with alert ? "unknown"']);
  });

  it('judges a CRL "expired" alert by the client certificate\'s dates at the run\'s time', () => {
    const alert = { number: 45, description: 'sslv3 alert certificate expired', code: 'X' };
    expect(connect({ outcome: 'tls-alert', alert }).code).toBe('crl-expired');
    expect(connect({ outcome: 'tls-alert', alert }, (c) => (c.certificate = { ...c.certificate!, notAfter: '2026-05-01T00:00:00.000Z' })).code).toBe('client-expired');
  });

  it.each([
    [{ outcome: 'tls-error', message: 'certificate signature failure' }, 'tls-refused', "the broker: a verifying MQTT client refused the server's certificate: certificate signature failure"],
    [{ outcome: 'closed' }, 'closed', 'the broker closed the connection before answering the CONNECT'],
    [{ outcome: 'timeout', timeoutMs: 3000, elapsedMs: 3004 }, 'timeout', 'the broker sent no CONNACK: no answer within 3000 ms'],
    [{ outcome: 'timeout', elapsedMs: 2990 }, 'timeout', 'the broker sent no CONNACK: no answer within 2990 ms'],
    [{ outcome: 'protocol-error', message: 'first byte 0x48' }, 'not-mqtt', 'the broker answered the CONNECT with bytes that are not valid MQTT (first byte 0x48)'],
    [{ outcome: 'error', message: 'socket hang up', errorCode: 'ECONNRESET' }, 'failed', 'the broker: the MQTT connection failed: socket hang up'],
    [{ outcome: 'error', errorCode: 'ECONNRESET' }, 'failed', 'the broker: the MQTT connection failed: ECONNRESET'],
  ] as const)('%o is %s', (patch, code, summary) => {
    const out = connect(patch as Partial<MqttConnectFacts>);
    expect([out.status, out.code, out.summary]).toEqual(['fail', code, summary]);
  });

  // A verifying client's refusal names its cause only from the error it got (lab scenarios expired,
  // not-yet-valid: tls.chain and tls.hostname pass, tls.validity fails).
  describe('a verifying client refused the server certificate: the hint follows the error', () => {
    const SECURITY_LEVEL = /security level/;
    it.each([
      ['CERT_HAS_EXPIRED', 'certificate has expired'],
      ['CERT_NOT_YET_VALID', 'certificate is not yet valid'],
    ])('%s: the dates, see tls.validity; no security-level cause', (errorCode, message) => {
      const out = connect({ outcome: 'tls-error', errorCode, message });
      expect([out.code, out.summary]).toEqual(['tls-refused', `the broker: a verifying MQTT client refused the server's certificate: ${message}`]);
      expect(out.hint).toContain('see tls.validity');
      expect(out.hint).toContain(message === 'certificate has expired' ? 'expired' : 'not valid yet');
      expect(out.hint).not.toMatch(SECURITY_LEVEL);
      expect(out.hint).not.toContain('The chain and name checks accept this certificate');
    });

    it.each([
      ['UNSPECIFIED', 'CA signature digest algorithm too weak'],
      ['UNSPECIFIED', 'EE certificate key too weak'],
      ['UNSPECIFIED', 'CA certificate key too weak'],
      ['CA_MD_TOO_WEAK', 'ca md too weak'],
      ['EE_KEY_TOO_SMALL', 'ee key too small'],
    ])('%s (%s): the security level, see tls.key', (errorCode, message) => {
      const out = connect({ outcome: 'tls-error', errorCode, message });
      expect(out.code).toBe('tls-refused');
      expect(out.hint).toMatch(SECURITY_LEVEL);
      expect(out.hint).toContain('tls.key');
      expect(out.hint).toContain(message);
    });

    it('anything else: names the error and claims no cause', () => {
      const out = connect({ outcome: 'tls-error', errorCode: 'CERT_REVOKED', message: 'certificate revoked' });
      expect(out.code).toBe('tls-refused');
      expect(out.hint).toContain('certificate revoked, CERT_REVOKED');
      expect(out.hint).toContain('cannot tell');
      expect(out.hint).not.toMatch(SECURITY_LEVEL);
      expect(out.hint).not.toContain('tls.validity');
    });
  });

  it('keeps the CONNECT transcript and error code as evidence', () => {
    const out = connect({ outcome: 'error', errorCode: 'ECONNRESET', transcript: ['-> CONNECT', '<- RST'] });
    expect(out.evidence).toMatchObject({ outcome: 'error', errorCode: 'ECONNRESET', transcript: ['-> CONNECT', '<- RST'], alert: undefined });
  });
});

describe('mqtt.roundtrip: its own connection', () => {
  it('names the connection failure, coded connect-failed, with the CN or "your client" as the user', () => {
    const out = mqttRoundtrip.run(withFacts((f) => (f.roundtrip.connect = connected({ outcome: 'refused', returnCode: 5 }))), settings);
    expect(out.code).toBe('connect-failed');
    expect(out.hint).toContain("CN (b827eb74663e_broker)");
    const anonymous = mqttRoundtrip.run(
      withFacts((f) => {
        f.roundtrip.connect = connected({ outcome: 'refused', returnCode: 5 });
        f.clientCertificate.certificate = undefined;
      }),
      settings,
    );
    expect(anonymous.hint).toContain('CN (your client)');
  });
});

describe('wss.connect', () => {
  const wss = (patch: Partial<MqttConnectFacts>) => wssConnect.run(withFacts((f) => (f.wssConnect = { tried: true, connect: connected(patch) })), settings);

  it('passes as a browser connects', () => {
    expect(wss({ elapsedMs: 21 }).summary).toBe('MQTT over wss:// accepted without a client certificate, as a browser connects (CONNACK 0, 21 ms)');
  });

  it('skips when not tried, with the reason', () => {
    const out = wssConnect.run(withFacts((f) => (f.wssConnect = { tried: false, notTried: 'upgrade-failed' })), settings);
    expect([out.status, out.code, out.summary]).toEqual(['skip', 'not-tried', 'not tried: the websocket upgrade did not succeed']);
    const noConnect = wssConnect.run(withFacts((f) => (f.wssConnect = { tried: true })), settings);
    expect(noConnect.code).toBe('not-tried');
  });

  it('gives the browser fix for each "who are you" refusal, and the plain fix for others', () => {
    for (const returnCode of [4, 5, 0x86, 0x87]) {
      const out = wss({ outcome: 'refused', returnCode });
      expect(out.hint).toContain('Browsers send no client certificate');
      expect(out.summary.startsWith('the websockets listener refused the MQTT CONNECT')).toBe(true);
    }
    const banned = wss({ outcome: 'refused', returnCode: 0x8a });
    expect(banned.code).toBe('banned');
    expect(banned.hint).not.toContain('Browsers');
    const closed = wss({ outcome: 'closed', returnCode: 5 });
    expect(closed.hint).not.toContain('Browsers');
    expect(wss({ outcome: 'refused', returnCode: 4 }).summary).toContain('a CN it cannot use as the web client');
  });

  it('names clientid_prefixes beside the browser fix for "not authorised", and a refused login when -u was given (findings 5, 6)', () => {
    expect(wss({ outcome: 'refused', returnCode: 5 }).hint).toContain('Or `clientid_prefixes` in mosquitto.conf refuses the client id lampi-doctor-0123456789ab');
    expect(wss({ outcome: 'refused', returnCode: 4 }).hint).not.toContain('clientid_prefixes');
    const login = wss({ outcome: 'refused', returnCode: 5, withUsername: true });
    expect(login.hint).not.toContain('Browsers send no client certificate');
    expect(login.hint).toContain('`password_file`');
  });
});
