// The cloud's listeners (port.conf): TLS that demands certificates, plain MQTT on loopback only,
// websockets with TLS and a way for browsers to log in.
import { isTls, isWebsockets, last, securityOption, type ConfigModel, type ListenerModel } from '../../src/config/model.js';
import { at, bad, defineRule, doubt, listenerName, ok, type LintFinding } from './define.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const LEGACY = new Set(['tlsv1', 'tlsv1.1']);

function anonymousAllowed(model: ConfigModel, listener: ListenerModel): boolean {
  return securityOption(model, listener, 'allow_anonymous')?.args[0] === 'true';
}

export const configListenerTls = defineRule({
  id: 'config.listener-tls',
  title: 'TLS listeners demand client certificates with modern TLS',
  run({ configs }) {
    return configs.flatMap((model) =>
      model.listeners.filter((l) => isTls(l) && !isWebsockets(l)).map((listener): LintFinding => {
        const name = listenerName(listener);
        const version = last(listener, 'tls_version');
        if (version && LEGACY.has(version.args[0])) {
          return doubt(at(version), `${name} allows legacy ${version.args[0]}`, 'Set `tls_version tlsv1.2` (in Mosquitto 2 the minimum).');
        }
        if (last(listener, 'require_certificate')?.args[0] !== 'true') {
          return bad(at(listener), `${name} has TLS but does not require client certificates: anyone who trusts the CA gets in`, 'Add `require_certificate true` and `use_identity_as_username true` under it, as the seed\'s port.conf does.');
        }
        if (!last(listener, 'cafile') && !last(listener, 'capath')) {
          return bad(at(listener), `${name} requires client certificates but has no cafile to check them against`, 'Add `cafile /etc/mosquitto/ca_certificates/lampi_ca.crt`.');
        }
        if (last(listener, 'use_identity_as_username')?.args[0] !== 'true' && !anonymousAllowed(model, listener) && !securityOption(model, listener, 'password_file')) {
          return bad(at(listener), `${name} requires certificates, but without use_identity_as_username a certificate is no login (allow_anonymous is false): clients get "not authorised"`, 'Add `use_identity_as_username true` under it.');
        }
        return ok(at(listener), `${name}: TLS ${version?.args[0] ?? '1.2+'} with required client certificates${last(listener, 'use_identity_as_username') ? ', CN as username' : ''}`);
      }),
    );
  },
});

export const configPlainListener = defineRule({
  id: 'config.plain-listener',
  title: 'Plain MQTT listens on loopback only',
  run({ configs }) {
    return configs.flatMap((model) =>
      model.listeners.filter((l) => !isTls(l) && !isWebsockets(l)).map((listener): LintFinding => {
        const name = listenerName(listener);
        const bind = listener.address ?? last(listener, 'bind_address')?.args[0];
        if (!bind || !LOOPBACK.has(bind)) {
          return bad(at(listener), `${name} speaks plain MQTT on ${bind ?? 'every interface'}: unencrypted, and reachable from outside`, `Bind it to the broker host: \`listener ${listener.port} 127.0.0.1\`, as the seed's port.conf does.`);
        }
        return ok(at(listener), `${name}: plain MQTT on loopback only`);
      }),
    );
  },
});

export const configWebsockets = defineRule({
  id: 'config.websockets',
  title: 'Websockets listeners use TLS and let browsers log in',
  run({ configs }) {
    return configs.flatMap((model) =>
      model.listeners.filter(isWebsockets).map((listener): LintFinding => {
        const name = listenerName(listener);
        if (!last(listener, 'certfile') || !last(listener, 'keyfile')) {
          return bad(at(listener), `${name} serves websockets without certfile and keyfile: plain ws://, which pages served over https cannot use`, 'Add cafile, certfile and keyfile under it, as the seed\'s port.conf does.');
        }
        if (last(listener, 'require_certificate')?.args[0] !== 'true' && !anonymousAllowed(model, listener) && !securityOption(model, listener, 'password_file')) {
          return doubt(
            at(listener),
            `${name}: browsers send no client certificate, and with allow_anonymous false (Mosquitto 2's default) and no password_file they cannot log in`,
            'Set `per_listener_settings true` and `allow_anonymous true` under this listener, or give it a `password_file` the web client logs in with.',
          );
        }
        return ok(at(listener), `${name}: secure websockets, and web clients can log in`);
      }),
    );
  },
});
