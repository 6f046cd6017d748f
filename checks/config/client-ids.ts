// Client ids the broker derives from the certificate: with use_username_as_clientid every session made
// with one certificate has one client id, so a second connection takes the first one over.
import { isTls, isWebsockets, last, securityOption } from '../../src/config/model.js';
import { at, defineRule, doubt, listenerName, type LintFinding } from './define.js';

const isTrue = (value: string | undefined) => value === 'true' || value === '1';

export const configClientIds = defineRule({
  id: 'config.client-ids',
  title: 'Client ids are the clients\' own',
  codes: {
    'username-as-clientid': 'use_username_as_clientid gives every session with one certificate the same client id',
  },
  run({ configs }) {
    return configs.flatMap((model) =>
      model.listeners.filter((l) => isTls(l) && !isWebsockets(l)).flatMap((listener): LintFinding[] => {
        const entry = securityOption(model, listener, 'use_username_as_clientid');
        if (!entry || !isTrue(entry.args[0])) return [];
        const identity = ['use_identity_as_username', 'use_subject_as_username'].some((key) => isTrue(last(listener, key)?.args[0]));
        const who = identity ? 'the certificate\'s name (use_identity_as_username)' : 'the username';
        // Verified with Mosquitto 2.0.11: a second mosquitto_sub with the same certificate and another
        // -i logs "Client doctor_client already connected, closing old connection".
        return [
          doubt(
            'username-as-clientid',
            at(entry),
            `${listenerName(listener)}: use_username_as_clientid makes ${who} every session's client id, so a second connection with the same ${identity ? 'certificate' : 'login'} takes the first one over (the log: "already connected, closing old connection"): the lamp's certificate used anywhere else knocks its bridge off, and lampi-doctor's own parallel sessions take each other over`,
            `Remove \`use_username_as_clientid true\` unless one session per ${identity ? 'certificate' : 'login'} is what you want, and restart mosquitto. If you keep it, never connect with the lamp's certificate from elsewhere, and expect lampi-doctor's MQTT checks to break off ("the broker closed the session"): run them with a certificate of their own, one check at a time (\`--only mqtt.roundtrip\`).`,
          ),
        ];
      }),
    );
  },
});
