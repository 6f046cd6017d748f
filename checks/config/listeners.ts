// The cloud's listeners (port.conf): TLS that demands certificates, plain MQTT on loopback only,
// websockets with TLS and a way for browsers to log in.
import { isTls, isWebsockets, last, listenerRefused, securityOption, type ConfigModel, type ListenerModel } from '../../src/config/model.js';
import { atLeast, tlsVersionIsExact, tlsVersionMeaning, type MosquittoVersion } from '../../src/config/mosquitto-versions.js';
import { at, bad, defineRule, doubt, listenerName, mosquittoAddress, ok, type LintFinding } from './define.js';
import type { LintFacts } from '../../src/config/lint-facts.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const LEGACY = new Set(['tlsv1', 'tlsv1.1']);

/** allow_anonymous in force for the listener (2.1's listener_allow_anonymous wins); Mosquitto 2's default is false. */
function anonymousAllowed(model: ConfigModel, listener: ListenerModel): boolean {
  const value = (last(listener, 'listener_allow_anonymous') ?? securityOption(model, listener, 'allow_anonymous'))?.args[0];
  return value === 'true' || value === '1';
}

/** A login that is not a certificate: passwords, a plugin, or TLS-PSK identities (not judged here). */
const otherLogin = (model: ConfigModel, listener: ListenerModel) => ['password_file', 'plugin', 'auth_plugin', 'psk_file'].some((key) => securityOption(model, listener, key)) || Boolean(last(listener, 'psk_hint'));

const isTrue = (listener: ListenerModel, key: string) => ['true', '1'].includes(last(listener, key)?.args[0] ?? '');

/**
 * Options that only mean something on a TLS listener. Mosquitto 2.0.11 serves TLS only with both
 * certfile and keyfile (verified: a listener with cafile, tls_version, require_certificate and
 * use_identity_as_username, or with certfile alone, starts and answers plain MQTT, CONNACK 5;
 * openssl s_client sees no certificate): such a listener is a TLS listener that lost its certificate.
 */
const TLS_ONLY_OPTIONS = ['certfile', 'keyfile', 'cafile', 'capath', 'require_certificate', 'use_identity_as_username', 'use_subject_as_username', 'tls_version', 'ciphers', 'ciphers_tls13', 'crlfile', 'dhparamfile', 'tls_engine', 'tls_keyform'];
const TLS_SWITCHES = new Set(['require_certificate', 'use_identity_as_username', 'use_subject_as_username']);
// A switch set to false asks for no TLS (a plain listener may say `require_certificate false`).
const tlsOptions = (listener: ListenerModel) => TLS_ONLY_OPTIONS.filter((key) => (TLS_SWITCHES.has(key) ? isTrue(listener, key) : last(listener, key)));
/** A listener written for TLS: TLS options, and (no TLS-PSK) a certificate it serves or ought to. */
const meantForTls = (listener: ListenerModel) => tlsOptions(listener).length > 0 && !last(listener, 'psk_hint');
const lacksCertificate = (listener: ListenerModel) => !last(listener, 'certfile') || !last(listener, 'keyfile');

/** The fix for a TLS listener without its certificate: both lines, under this listener. */
function certificateFix(listener: ListenerModel): string {
  const missing = ['certfile', 'keyfile'].filter((key) => !last(listener, key));
  const example: Record<string, string> = { certfile: 'certfile /etc/mosquitto/certs/lampi_server.crt', keyfile: 'keyfile /etc/mosquitto/certs/lampi_server.key' };
  return `Add ${missing.map((key) => `\`${example[key]}\``).join(' and ')} under \`${listenerName(listener)}\` (the server's certificate and its key: Mosquitto speaks TLS only with both), then restart mosquitto. Do not bind it to 127.0.0.1: lamps and clients reach the broker through this port.`;
}

export const configListenerTls = defineRule({
  id: 'config.listener-tls',
  title: 'TLS listeners demand client certificates with modern TLS',
  codes: {
    ok: 'The TLS listener requires client certificates, with modern TLS and a login',
    'legacy-tls': 'The TLS listener allows or speaks TLS 1.0 or 1.1',
    'identity-without-certificate': 'use_identity_as_username without require_certificate refuses every client',
    'no-login': 'The TLS listener has no way to log in: every client is refused',
    'no-client-certificates': 'The TLS listener does not require client certificates',
    'no-cafile': 'The TLS listener requires client certificates but has no cafile or capath',
    'certificate-is-no-login': 'Certificates are required but are no login (no use_identity_as_username): every client gets CONNACK 5',
    'no-certificate': 'A listener with TLS options lacks certfile or keyfile: it serves plain MQTT',
  },
  run({ configs }, { mosquitto }) {
    return configs.flatMap((model) =>
      // A listener Mosquitto refuses to start on (config.option names the line) behaves in no way to describe.
      model.listeners.filter((l) => (isTls(l) || meantForTls(l)) && !isWebsockets(l) && !listenerRefused(model, l, mosquitto)).map((listener): LintFinding => {
        const name = listenerName(listener);
        if (meantForTls(listener) && lacksCertificate(listener)) {
          const missing = ['certfile', 'keyfile'].filter((key) => !last(listener, key));
          const present = tlsOptions(listener);
          return bad(
            'no-certificate',
            at(listener),
            `${name} has ${present.join(', ')} but no ${missing.join(' and no ')}: Mosquitto serves TLS only with both, so the port speaks plain MQTT (no TLS handshake: lamps and clients that expect TLS fail, and the TLS options do nothing)`,
            certificateFix(listener),
            { present, missing },
          );
        }
        const version = last(listener, 'tls_version');
        const identity = isTrue(listener, 'use_identity_as_username') || isTrue(listener, 'use_subject_as_username');
        const identityEntry = last(listener, 'use_identity_as_username') ?? last(listener, 'use_subject_as_username');
        if (version && LEGACY.has(version.args[0])) {
          const exact = tlsVersionIsExact(mosquitto);
          return doubt('legacy-tls', at(version), `${name} ${exact ? 'speaks only' : 'allows'} legacy ${version.args[0]} (${tlsVersionMeaning(mosquitto)})`, 'Set `tls_version tlsv1.2`.', { tlsVersion: version.args[0], mosquittoVersion: mosquitto.text });
        }
        if (!isTrue(listener, 'require_certificate')) {
          // Verified with Mosquitto 2.0.11 and mosquitto_pub: the server never asks for a certificate,
          // so with use_identity_as_username every client gets CONNACK 4 ("bad user name or password").
          if (identity) {
            return bad('identity-without-certificate', at(identityEntry!), `${name} sets ${identityEntry!.key} but not require_certificate: the broker never asks for a client certificate, so every client is refused (CONNACK 4, "bad user name or password"), with or without one`, 'Add `require_certificate true` under the listener, as the seed\'s port.conf does.');
          }
          if (!anonymousAllowed(model, listener) && !otherLogin(model, listener)) {
            return bad('no-login', at(listener), `${name} has TLS but no way to log in: without require_certificate and use_identity_as_username, and with Mosquitto 2's default allow_anonymous false and no password_file, every client is refused (CONNACK 5, "not authorised")`, 'Add `require_certificate true` and `use_identity_as_username true` under it, as the seed\'s port.conf does.');
          }
          return bad('no-client-certificates', at(listener), `${name} has TLS but does not require client certificates: anyone who trusts the CA can connect${anonymousAllowed(model, listener) ? ' (allow_anonymous true)' : ' with a password'}`, 'Add `require_certificate true` and `use_identity_as_username true` under it, as the seed\'s port.conf does.');
        }
        if (!last(listener, 'cafile') && !last(listener, 'capath')) {
          return bad('no-cafile', at(listener), `${name} requires client certificates but has no cafile to check them against`, 'Add `cafile /etc/mosquitto/ca_certificates/lampi_ca.crt`.');
        }
        if (!identity && !anonymousAllowed(model, listener) && !otherLogin(model, listener)) {
          // Verified with Mosquitto 2.0.11: a valid client certificate gets CONNACK 5 here.
          return bad('certificate-is-no-login', at(listener), `${name} requires certificates, but without use_identity_as_username a certificate is no login, and allow_anonymous is false (Mosquitto 2's default): every client gets CONNACK 5, "not authorised" (an ACL never refuses a CONNECT)`, 'Add `use_identity_as_username true` under it.');
        }
        return ok('ok', at(listener), `${name}: TLS ${version ? `${version.args[0]}${tlsVersionIsExact(mosquitto) ? ' only' : '+'}` : '1.2+'} with required client certificates${identity ? ', CN as username' : ''}`, { mosquittoVersion: mosquitto.text });
      }),
    );
  },
});

/** The bridges of the other configs linted alongside whose first address dials this port. */
function bridgesDialling(facts: LintFacts, own: ConfigModel, port: number): { bridge: string; file: string; line: number }[] {
  return facts.configs.filter((model) => model !== own).flatMap((model) =>
    model.bridges.flatMap((bridge) => {
      const address = last(bridge, 'address') ?? last(bridge, 'addresses');
      const first = address ? mosquittoAddress(address.args[0] ?? '') : undefined;
      return first?.port === port ? [{ bridge: bridge.name, file: address!.file, line: address!.line }] : [];
    }),
  );
}

export const configPlainListener = defineRule({
  id: 'config.plain-listener',
  title: 'Plain MQTT listens on loopback only',
  codes: {
    ok: 'Plain MQTT listens on loopback only',
    exposed: 'Plain MQTT listens on an outside interface',
    'tls-port-plain': 'The broker\'s TLS port (8883, or the port a bridge dials) speaks plain MQTT',
  },
  run(facts) {
    const { configs } = facts;
    return configs.flatMap((model) =>
      // A listener with TLS options but no certificate is config.listener-tls/no-certificate's.
      model.listeners.filter((l) => !isTls(l) && !isWebsockets(l) && !meantForTls(l)).map((listener): LintFinding => {
        const name = listenerName(listener);
        const bind = listener.address ?? last(listener, 'bind_address')?.args[0];
        const dialled = bridgesDialling(facts, model, listener.port);
        if ((!bind || !LOOPBACK.has(bind)) && (listener.port === 8883 || dialled.length > 0)) {
          const why = dialled.length > 0 ? `the port ${dialled.map((d) => `bridge ${d.bridge} (${d.file}:${d.line})`).join(', ')} dials` : 'the MQTT-over-TLS port';
          return bad(
            'tls-port-plain',
            at(listener),
            `${name} speaks plain MQTT on ${bind ?? 'every interface'}, though it is ${why}: a bridge with bridge_cafile and clients with a CA file expect TLS there and fail`,
            `Give it TLS: add \`cafile\`, \`certfile\` and \`keyfile\` (with \`require_certificate true\` and \`use_identity_as_username true\`) under \`${name}\`, as the seed's port.conf does, then restart mosquitto. Binding it to 127.0.0.1 would cut every lamp off.`,
            { port: listener.port },
          );
        }
        if (!bind || !LOOPBACK.has(bind)) {
          return bad('exposed', at(listener), `${name} speaks plain MQTT on ${bind ?? 'every interface'}: unencrypted, and reachable from outside`, `Bind it to the broker host: \`listener ${listener.port} 127.0.0.1\`, as the seed's port.conf does.`);
        }
        return ok('ok', at(listener), `${name}: plain MQTT on loopback only`);
      }),
    );
  },
});

/**
 * Mosquitto before 2.1 serves websockets through libwebsockets, and src/websockets.c
 * (mosq_websockets_init) hands it only cafile, certfile, keyfile, ciphers, ciphers_tls13 and
 * require_certificate: the listener's tls_version, crlfile and capath are read and never used.
 * 2.1's own websockets (the default build: `make WITH_WEBSOCKETS=yes`, cmake
 * WITH_WEBSOCKETS_BUILTIN=ON) start on the MQTT listener path (src/listeners.c) and share its TLS
 * context (src/net.c), so they honour all three; a 2.1 built against libwebsockets does not.
 */
const WSS_IGNORED = ['tls_version', 'crlfile', 'capath'] as const;

function ignoredTlsOptions(listener: ListenerModel, mosquitto: MosquittoVersion): LintFinding[] {
  if (atLeast(mosquitto, '2.1.0')) return [];
  const name = listenerName(listener);
  const fix = 'Upgrade to Mosquitto 2.1, whose own websockets honour it (a build against libwebsockets does not), or enforce it in front of the port: a TLS-terminating proxy (nginx, HAProxy) that forwards to a loopback websockets listener.';
  const requires = isTrue(listener, 'require_certificate');
  return WSS_IGNORED.flatMap((key): LintFinding[] => {
    const entry = last(listener, key);
    if (!entry) return [];
    const evidence = { option: key, value: entry.args.join(' '), mosquittoVersion: mosquitto.text };
    const head = `${name} serves websockets, where Mosquitto ${mosquitto.text} ignores \`${key}\``;
    if (key === 'tls_version') {
      // Measured on 2.0.11 with Debian 12's OpenSSL 3 (lab scenario wss-ignores-tls-options): with
      // `tls_version tlsv1.3` the websockets port completes `openssl s_client -tls1_2`, and refuses
      // -tls1_1 (alert 80) as OpenSSL's defaults do. So only tlsv1.3 asks for more than the port
      // gives anyway; tlsv1.2 and the legacy values change nothing there.
      if (entry.args[0] !== 'tlsv1.3') return [];
      return [doubt('tls-option-ignored', at(entry), `${head}: it still lets TLS 1.2 clients in, although the line asks for TLS 1.3 only`, fix, evidence)];
    }
    if (key === 'crlfile') {
      return [doubt('tls-option-ignored', at(entry), `${head}: the revocation list is never loaded there, so it revokes nobody; ${requires ? 'a revoked client certificate still gets in' : 'without require_certificate no certificate is asked for anyway'}`, fix, evidence)];
    }
    const consequence = !requires
      ? 'without require_certificate no client certificate is asked for, so the line does nothing'
      : last(listener, 'cafile')
        ? 'client certificates are checked against cafile only, and a CA that is only in the capath folder is not trusted'
        : 'with require_certificate and no cafile, no CA is trusted: every client certificate is refused (alert 48, unknown CA)';
    return [doubt('tls-option-ignored', at(entry), `${head}: ${consequence}`, requires ? `Give the websockets listener a \`cafile\` that holds the CA (cat the CA files of the capath folder into one). ${fix}` : fix, evidence)];
  });
}

export const configWebsockets = defineRule({
  id: 'config.websockets',
  title: 'Websockets listeners use TLS and let browsers log in',
  codes: {
    ok: 'The websockets listener uses TLS and web clients can log in',
    'no-tls': 'The websockets listener has no certfile and keyfile (plain ws://)',
    'browsers-cannot-log-in': 'Browsers send no certificate and have no other way to log in',
    'tls-option-ignored': 'Mosquitto before 2.1 ignores tls_version, crlfile and capath on a websockets listener',
    'requires-client-certificate': 'The websockets listener requires a client certificate, which browsers cannot send',
  },
  run({ configs }, { mosquitto }) {
    return configs.flatMap((model) =>
      model.listeners.filter((l) => isWebsockets(l) && !listenerRefused(model, l, mosquitto)).flatMap((listener): LintFinding[] => {
        const name = listenerName(listener);
        if (!last(listener, 'certfile') || !last(listener, 'keyfile')) {
          return [bad('no-tls', at(listener), `${name} serves websockets without certfile and keyfile: plain ws://, which pages served over https cannot use`, 'Add cafile, certfile and keyfile under it, as the seed\'s port.conf does.')];
        }
        const ignored = ignoredTlsOptions(listener, mosquitto);
        const requires = last(listener, 'require_certificate');
        if (requires && isTrue(listener, 'require_certificate')) {
          // Measured on 2.0.11: the TLS 1.3 handshake without a certificate ends in alert 116 (certificate required).
          return [
            doubt(
              'requires-client-certificate',
              at(requires),
              `${name} requires a client certificate (\`require_certificate true\`): browsers cannot send one, so web pages cannot connect (TLS alert 116, certificate required)`,
              'Remove `require_certificate true` (and `use_identity_as_username true`) from this websockets listener, and let web clients log in with `allow_anonymous true` (with `per_listener_settings true`) or a `password_file` entry; keep client certificates on the MQTT listener.',
            ),
            ...ignored,
          ];
        }
        if (!anonymousAllowed(model, listener) && !securityOption(model, listener, 'password_file')) {
          return [
            doubt(
              'browsers-cannot-log-in',
              at(listener),
              `${name}: browsers send no client certificate, and with allow_anonymous false (Mosquitto 2's default) and no password_file they cannot log in`,
              atLeast(mosquitto, '2.1.0')
                ? 'Set `listener_allow_anonymous true` under this listener, or give it a `password_file` the web client logs in with.'
                : 'Set `per_listener_settings true` and `allow_anonymous true` under this listener, or give it a `password_file` the web client logs in with.',
            ),
            ...ignored,
          ];
        }
        return [ok('ok', at(listener), `${name}: secure websockets, and web clients can log in`), ...ignored];
      }),
    );
  },
});
