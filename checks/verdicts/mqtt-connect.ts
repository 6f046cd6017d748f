// An MQTT CONNECT that did not get CONNACK 0, in words, with the fix. Shared by mqtt.connect,
// mqtt.roundtrip and wss.connect. The CONNACK words follow Mosquitto 2.x's rules: an acl_file never
// refuses a CONNECT (it filters topics); without a username, `allow_anonymous` (default false in 2.x)
// decides; under `use_identity_as_username` the certificate's CN is the username and the password
// and anonymous checks are skipped, so "bad user name or password" means no usable certificate arrived.
import type { Outcome } from '../../src/engine/types.js';
import type { MqttConnectFacts } from '../../src/facts.js';
import { fail } from '../define.js';
import { ALERT_CODES, alertVerdict, type LocalClientView } from './tls-alert.js';

/** Every finding code connectFailure gives, with its title: the checks that return it declare these. */
export const CONNECT_FAILURE_CODES = {
  ...ALERT_CODES,
  'protocol-version': 'No protocol version in common: TLS alert 70, or CONNACK 1 / reason 0x84 for the MQTT version',
  'client-id-rejected': 'The broker rejected the client identifier (CONNACK 2)',
  'server-unavailable': 'The broker is up but not accepting clients (CONNACK 3)',
  'no-certificate-identity': 'Bad user name or password (CONNACK 4): no certificate the broker can take the username from reached it',
  'not-authorised': 'Not authorised (CONNACK 5): an anonymous client, a refused username/password, or a client id outside clientid_prefixes',
  banned: 'The broker bans this client (reason 0x8A)',
  refused: 'The broker refused the CONNECT with another code',
  'tls-refused': 'A verifying MQTT client refused the server\'s certificate that the chain and name checks pass (its dates, OpenSSL\'s security level, or another verify error)',
  closed: 'The broker closed the connection before answering the CONNECT',
  timeout: 'The broker sent no CONNACK in time',
  'not-mqtt': 'The answer to the CONNECT is not valid MQTT',
  failed: 'The MQTT connection failed for another reason',
} as const;

interface Refusal {
  words: string;
  hint: string;
  code: string;
}

const ACL_NEVER = 'An `acl_file` is not the cause: in Mosquitto 2 ACLs filter topics and never refuse a CONNECT.';

/** What the CONNECT carried: a username (-u) or not, and its client id. */
export interface SentLogin {
  withUsername?: boolean;
  clientId?: string;
}

/** `clientid_prefixes` refuses a client id with CONNACK 5 as well (Mosquitto 2.0.11: "not authorised"). */
const prefixCandidate = (clientId?: string) =>
  `\`clientid_prefixes\` in mosquitto.conf, which the client id${clientId ? ` ${clientId}` : ''} does not start with: remove the line, or pass a --client-id that starts with the prefix (each session adds its own suffix)`;

/** CONNACK codes of MQTT 3.1.1 and reason codes of MQTT 5, in words with their fix. */
export function connackRefusal(code: number, username: string, client: LocalClientView = {}, sent: SentLogin = {}): Refusal {
  switch (code) {
    case 1:
    case 0x84:
      return { words: 'unacceptable protocol version', hint: 'Try the other --mqtt-version (3.1.1 or 5); Mosquitto 1.x does not speak MQTT 5.', code: 'protocol-version' };
    case 2:
    case 0x85:
      return { words: 'client identifier rejected', hint: 'Leave --client-id out, so a unique lampi-doctor-<random> id is used.', code: 'client-id-rejected' };
    case 3:
    case 0x88:
    case 0x89:
      return { words: 'server unavailable', hint: 'The broker is up but not accepting clients: check its log and `max_connections`.', code: 'server-unavailable' };
    case 4:
    case 0x86:
      if (client.certificate && !client.certificate.commonName) {
        return {
          words: `bad user name or password: your client certificate has no CN (subject ${client.certificate.subject}), so under \`use_identity_as_username true\` Mosquitto has no username to take from it`,
          hint: `Re-issue the client certificate with a CN (the MQTT username, e.g. -subj "/CN=${'<device id>'}_broker"), signed as before with the client extension file. ${ACL_NEVER}`,
          code: 'no-certificate-identity',
        };
      }
      return {
        words: `bad user name or password: lampi-doctor sends no username, so under \`use_identity_as_username true\` no usable certificate reached the broker (no certificate, or a CN it cannot use as ${username})`,
        hint: `Add \`require_certificate true\` next to \`use_identity_as_username true\` under the TLS listener: without it Mosquitto never asks for the client certificate, so every client is refused. If the listener has no use_identity_as_username, it wants a \`password_file\` login instead. ${ACL_NEVER}`,
        code: 'no-certificate-identity',
      };
    case 5:
    case 0x87:
      if (sent.withUsername) {
        // A username was sent: the broker did not take this client as anonymous.
        return {
          words: `not authorised: the broker refused the username and password sent with -u/-P${sent.clientId ? `, or the client id ${sent.clientId}` : ''}`,
          hint: `lampi-doctor cannot tell from here which refused it: (1) the password does not match the username's entry in the listener's \`password_file\`, or the username has no entry: set it with \`sudo mosquitto_passwd <the password_file> <username>\` (or log in with the password it holds), and restart mosquitto; (2) ${prefixCandidate(sent.clientId)}; (3) an auth plugin. --config names the lines in force. ${ACL_NEVER}`,
          code: 'not-authorised',
        };
      }
      return {
        words: `not authorised: no username was sent, so the broker took this client as anonymous${sent.clientId ? ` or refused its client id ${sent.clientId}` : ''}`,
        hint: `lampi-doctor cannot tell from here which refused it: (1) no username: Mosquitto 2 refuses clients without one unless \`allow_anonymous true\` (its default is false); with client certificates, \`use_identity_as_username true\` (and \`require_certificate true\`) under the TLS listener, so the certificate's CN (${username}) becomes the username; (2) ${prefixCandidate(sent.clientId)}; (3) an auth plugin. --config names the lines in force. Restart mosquitto after a change. ${ACL_NEVER}`,
        code: 'not-authorised',
      };
    case 0x8a:
      return { words: 'banned', hint: 'The broker bans this client (a plugin or dynamic security rule).', code: 'banned' };
    default:
      return { words: `refused with code ${code}`, hint: 'The broker log names the cause of the refusal.', code: 'refused' };
  }
}

/** How a session that got no CONNACK ended, in words: the library's own where it gave some. */
export function sessionEndWords(ended: { outcome?: string; message?: string; errorCode?: string; timeoutMs?: number; clientId?: string }): string {
  if (ended.errorCode === 'BRIDGE_CLIENT_ID') return ended.clientId ? `not sent: client id ${ended.clientId} is a bridge's` : 'not sent: the client id is a bridge\'s';
  if (ended.message) return ended.message;
  if (ended.outcome === 'timeout') return ended.timeoutMs !== undefined ? `no CONNACK within ${ended.timeoutMs} ms` : 'no CONNACK in time';
  if (ended.outcome === 'closed') return 'the broker closed the connection before CONNACK';
  return ended.errorCode ?? ended.outcome ?? 'no reason given';
}

export function connectEvidence(connect: MqttConnectFacts) {
  return {
    clientId: connect.clientId,
    protocolVersion: connect.protocolVersion === 5 ? '5' : '3.1.1',
    outcome: connect.outcome,
    returnCode: connect.returnCode,
    alert: connect.alert ? { number: connect.alert.number ?? null, description: connect.alert.description } : undefined,
    errorCode: connect.errorCode,
    elapsedMs: connect.elapsedMs,
    connection: connect.connection,
    transcript: connect.transcript,
    withUsername: connect.withUsername,
  };
}

const CONFIRM_SERVER = 'Confirm with `openssl s_client -connect HOST:PORT -verify_return_error -verify_hostname HOST -CAfile lampi_ca.crt </dev/null` (it prints "verify error:num=N" and the depth).';
const DATE_ERRORS: Record<string, string> = { CERT_HAS_EXPIRED: 'expired', CERT_NOT_YET_VALID: 'not valid yet' };
/** OpenSSL's security-level refusals, by Node's code (when it has one) or OpenSSL's words (Node says UNSPECIFIED). */
const SECURITY_LEVEL_CODES = new Set(['EE_KEY_TOO_SMALL', 'CA_KEY_TOO_SMALL', 'CA_MD_TOO_WEAK']);
const SECURITY_LEVEL_WORDS = /key too (small|weak)|digest algorithm too weak|md too weak/i;

/**
 * The fix for a server certificate a verifying client refused although tls.chain and tls.hostname
 * passed, from the error the client got: only its dates (tls.chain passes a chain whose dates fail),
 * OpenSSL's security level, or a cause lampi-doctor does not know.
 */
export function serverCertificateRefusal(errorCode: string | undefined, message: string | undefined): string {
  const said = [message, errorCode].filter(Boolean).join(', ') || 'no error given';
  const dates = (errorCode && DATE_ERRORS[errorCode]) ?? (/has expired/i.test(message ?? '') ? 'expired' : /not yet valid/i.test(message ?? '') ? 'not valid yet' : undefined);
  if (dates) {
    return `A certificate in the server's chain (as the server sends it, or the CA from --ca it ends at) is ${dates} (${said}): the chain and the name are fine, the dates are not; see tls.validity, which names the certificate and its fix. ${CONFIRM_SERVER}`;
  }
  if ((errorCode && SECURITY_LEVEL_CODES.has(errorCode)) || SECURITY_LEVEL_WORDS.test(message ?? '')) {
    return `OpenSSL's security level refused a key or signature in the server's chain (${said}): OpenSSL 3 refuses SHA-1 signatures at its default level, and RSA keys under 2048 bits at level 2 (Debian's default, so mosquitto_pub and the lamp's bridge); see tls.key and tls.chain, and re-issue with a 2048-bit key and -sha256. ${CONFIRM_SERVER}`;
  }
  return `The verifying client's error was ${said}, and lampi-doctor cannot tell the cause from here: the chain and name checks before this one accept the chain and the name. See tls.chain and tls.key for what they show of the chain. ${CONFIRM_SERVER}`;
}

export function connectFailure(connect: MqttConnectFacts, username: string, where: string, client: LocalClientView = {}, now = new Date()): Outcome {
  const evidence = connectEvidence(connect);
  switch (connect.outcome) {
    case 'refused': {
      const refusal = connackRefusal(connect.returnCode ?? -1, username, client, { withUsername: connect.withUsername, clientId: connect.clientId });
      return fail(`${where} refused the MQTT CONNECT: ${refusal.words} (CONNACK ${connect.returnCode})`, refusal.hint, evidence, refusal.code);
    }
    case 'tls-alert': {
      const told = alertVerdict(connect.alert ?? { description: 'unknown', code: 'UNKNOWN' }, true, client, now, evidence);
      return { ...told, summary: `${where} refused the TLS session before CONNACK: ${told.summary}` };
    }
    case 'tls-error': {
      const refusal = serverCertificateRefusal(connect.errorCode, connect.message);
      return fail(`${where}: a verifying MQTT client refused the server's certificate: ${connect.message}`, refusal, evidence, 'tls-refused');
    }
    case 'closed':
      return fail(
        `${where} closed the connection before answering the CONNECT`,
        'Brokers close TLS sessions whose client certificate they reject after a TLS 1.3 handshake (Mosquitto; aedes and other node:tls brokers after any handshake), and clients they refuse outright: the broker\'s log says which (Mosquitto: sudo tail /var/log/mosquitto/mosquitto.log).',
        evidence,
        'closed',
      );
    case 'timeout':
      return fail(`${where} sent no CONNACK: no answer within ${connect.timeoutMs ?? connect.elapsedMs} ms`, 'The broker accepted the TLS session but did not answer MQTT: is this port an MQTT listener?', evidence, 'timeout');
    case 'protocol-error':
      return fail(
        `${where} answered the CONNECT with bytes that are not valid MQTT (${connect.message})`,
        'Something other than an MQTT broker (or a broken proxy) answers on this port: check `sudo ss -ltnp` on the broker host and point --port at Mosquitto\'s listener.',
        evidence,
        'not-mqtt',
      );
    default:
      return fail(`${where}: the MQTT connection failed: ${sessionEndWords(connect)}`, 'Check the broker log.', evidence, 'failed');
  }
}
