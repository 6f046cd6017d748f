// The oracle's agreement rules: what the reference clients did (src/lab/oracle.ts) against what the
// tool reported for the same running lab. Each rule returns the disagreements it finds.
import type { Report } from '../../src/diagnose.js';
import type { ReferenceOutcome } from '../../src/lab/oracle.js';

type Check = Report['checks'][number];

/** OpenSSL's X509 verify errors (s_client's "verify error:num=N") -> the check that must fail. */
function checkForVerifyError(code: number): string {
  if (code === 9 || code === 10) return 'tls.validity';
  if (code === 62 || code === 64) return 'tls.hostname';
  if (code === 66 || code === 67) return 'tls.key';
  return 'tls.chain';
}

/** `openssl verify -purpose sslclient` as the broker (error N) -> the finding code tls.handshake must carry. */
const BROKER_VIEW_CODES: Record<string, string[]> = {
  'error 10': ['tls.handshake/client-expired'],
  'error 11': ['tls.handshake/client-certificate-rejected'],
  'error 12': ['tls.handshake/crl-expired'],
  'error 3': ['tls.handshake/broker-lacks-client-issuer'],
  'error 20': ['tls.handshake/broker-lacks-client-issuer', 'tls.handshake/client-ca-mismatch'],
  'error 23': ['tls.handshake/client-revoked'],
  'error 26': ['tls.handshake/client-certificate-purpose'],
};

const SERVER_CERT_CHECKS = ['tls.chain', 'tls.hostname', 'tls.validity', 'tls.key'];

export function disagreements(report: Report, reference: ReferenceOutcome): string[] {
  const byId = new Map(report.checks.map((check) => [check.id, check] as [string, Check]));
  const status = (id: string) => byId.get(id)?.status;
  const evidence = (id: string) => (byId.get(id)?.evidence ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  const expect = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };

  const [kind, number] = reference.sClient.split(' ');
  if (kind === 'ok') {
    for (const id of ['tls.handshake', 'tls.chain', 'tls.hostname']) expect(status(id) !== 'fail', `s_client connects, but ${id} fails`);
  } else if (kind === 'verify') {
    const id = checkForVerifyError(Number(number));
    expect(status(id) === 'fail', `s_client: verify error ${number}, but ${id} is ${status(id)}`);
    if (id !== 'tls.key') expect(evidence(id).opensslVerifyCode === Number(number), `s_client: verify error ${number}, ${id} names ${String(evidence(id).opensslVerifyCode)}`);
  } else if (kind === 'alert') {
    expect(status('tls.handshake') === 'fail', `s_client: alert ${number}, but tls.handshake is ${status('tls.handshake')}`);
    const alert = evidence('tls.handshake').alert as { number?: number } | undefined;
    expect(alert?.number === Number(number), `s_client: alert ${number}, tls.handshake names alert ${alert?.number}`);
  } else {
    expect(status('tcp.connect') === 'fail' || status('tls.handshake') === 'fail', `s_client gets no TLS, but tcp.connect and tls.handshake pass`);
  }

  if (reference.brokerView && reference.brokerView !== 'ok' && kind === 'alert') {
    const codes = BROKER_VIEW_CODES[reference.brokerView];
    const code = byId.get('tls.handshake')?.code;
    if (codes) expect(codes.includes(code ?? ''), `the broker's view is "${reference.brokerView}", tls.handshake says ${code}`);
  }

  const [mqttKind, connack] = reference.mqtt.split(' ');
  const serverCertFails = SERVER_CERT_CHECKS.some((id) => status(id) === 'fail');
  switch (mqttKind) {
    case 'delivered':
      expect(status('mqtt.connect') !== 'fail' && status('mqtt.roundtrip') !== 'fail', `mosquitto_pub/sub deliver, but mqtt.connect is ${status('mqtt.connect')} and mqtt.roundtrip ${status('mqtt.roundtrip')}`);
      break;
    case 'connack':
      expect(status('mqtt.connect') === 'fail' && evidence('mqtt.connect').returnCode === Number(connack), `mosquitto_pub: CONNACK ${connack}, mqtt.connect is ${status('mqtt.connect')} (${String(evidence('mqtt.connect').returnCode)})`);
      break;
    case 'not-delivered':
      expect(status('mqtt.roundtrip') === 'fail', `mosquitto_pub/sub: published but not delivered, mqtt.roundtrip is ${status('mqtt.roundtrip')}`);
      break;
    case 'tls-error':
      expect(serverCertFails || status('mqtt.connect') === 'fail' || status('tls.handshake') === 'fail', 'mosquitto_pub: TLS error, but no server-certificate check, tls.handshake or mqtt.connect fails');
      break;
    default:
      expect(status('mqtt.connect') !== 'pass', `mosquitto_pub: ${reference.mqtt}, but mqtt.connect passes`);
  }
  // The websockets port, offered TLS 1.2 alone: Mosquitto 2.0 ignores its tls_version, so its verdict
  // must not follow the MQTT port's tls.version.
  if (reference.wssTls12 === 'ok') {
    expect(status('wss.handshake') !== 'fail', `s_client -tls1_2 connects to the websockets port, but wss.handshake is ${status('wss.handshake')}`);
    expect(!String(evidence('wss.handshake').certificateFinding ?? '').startsWith('tls.version'), 'wss.handshake takes over a tls.version finding');
  } else if (reference.wssTls12 !== undefined) {
    expect(status('wss.handshake') === 'fail', `s_client -tls1_2 gets ${reference.wssTls12} on the websockets port, but wss.handshake is ${status('wss.handshake')}`);
  }
  return problems;
}
