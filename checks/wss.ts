// The secure-websockets listener (the seed's `listener 50002` with `protocol websockets`).
import type { Outcome } from '../src/engine/types.js';
import { diagnosisCheck, fail, pass, skip, versionLabel, warn } from './define.js';
import { chainVerdict } from './verdicts/chain.js';
import { hostnameVerdict } from './verdicts/hostname.js';
import { CONNECT_FAILURE_CODES, connectEvidence, connectFailure } from './verdicts/mqtt-connect.js';
import { validityVerdict } from './verdicts/validity.js';
import { attemptMessage } from './verdicts/tls-facts.js';
import { certificateRefusedBeforeUpgrade, clientCertificateRequired, upgradeDetail, wssNotTriedReason } from './verdicts/wss-upgrade.js';

export const wssHandshake = diagnosisCheck({
  id: 'wss.handshake',
  title: 'The secure websockets listener',
  dependsOn: ['dns.resolve'],
  needs: ['wss'],
  codes: {
    ok: 'The websockets listener speaks TLS with a verified certificate and upgrades to MQTT',
    'no-listener': 'Nothing listens on the websockets port',
    unreachable: 'The websockets port is not reachable',
    'no-tls': 'The websockets port accepts TCP but no TLS handshake',
    certificate: 'The websockets listener\'s certificate fails a chain, name or date check',
    'certificate-warning': 'The websockets listener\'s certificate has a warning (name or dates)',
    'other-certificate': 'The websockets listener serves another certificate than the MQTT port',
    'upgrade-refused': 'The listener speaks HTTP but refused the websocket upgrade (path or subprotocol)',
    'not-websockets': 'The port speaks TLS but not websockets',
    'certificate-refused': 'A standard TLS client refused the websockets listener\'s certificate before the upgrade',
    'client-certificate-required': 'The websockets listener requires a client certificate (TLS alert 116), which browsers cannot send',
    silent: 'The websockets port accepts TCP but answers nothing to the TLS hello',
    'upgrade-timeout': 'The listener speaks TLS but did not answer the websocket upgrade in time',
  },
  run({ wss }, settings) {
    const port = wss.port;
    const upgrade = upgradeDetail(wss.upgrade);
    const evidence = {
      port,
      tcp: wss.tcp.outcome,
      handshake: wss.handshakeOutcome,
      protocol: wss.handshakeDetail ?? (wss.chain.unavailable && attemptMessage(wss.chain.unavailable)),
      sameCertificateAsMqttPort: wss.chain.available && wss.mqttLeafFingerprint ? wss.chain.certificates[0].fingerprint256 === wss.mqttLeafFingerprint : null,
      path: wss.path,
      upgradeStatus: wss.upgradeStatus,
      upgrade,
    };
    const listenerHint = `Add \`listener ${port} 0.0.0.0\` with \`protocol websockets\` and its cafile/certfile/keyfile lines, as the seed's port.conf does, and restart mosquitto.`;
    if (wss.tcp.outcome === 'refused') return fail(`nothing listens on websockets port ${port} (connection refused)`, listenerHint, evidence, 'no-listener');
    if (wss.tcp.outcome !== 'connected') return fail(`port ${port} is not reachable (${wss.tcp.outcome})`, `Allow inbound TCP ${port} in the security group and firewall. ${listenerHint}`, evidence, 'unreachable');
    const certificateRequired = (how: string) =>
      fail(
        `port ${port} ends the TLS session because no client certificate came (${how}): the websockets listener requires one, and browsers cannot send one`,
        `Remove \`require_certificate true\` (and \`use_identity_as_username true\`) from under \`listener ${port}\` (the one with \`protocol websockets\`), and let web clients log in with \`allow_anonymous true\` (with \`per_listener_settings true\`) or a \`password_file\` entry (keep client certificates on the MQTT listener), and restart mosquitto. The certificate itself is not the cause.`,
        evidence,
        'client-certificate-required',
      );
    if (!wss.chain.available) {
      if (clientCertificateRequired(undefined, wss.chain.unavailable?.alert)) return certificateRequired(`TLS alert ${wss.chain.unavailable?.alert}`);
      // Something listens on the port: a second `listener ${port}` line would stop Mosquitto from starting.
      const underIt = `Add \`cafile\`, \`certfile\` and \`keyfile\` lines under the existing \`listener ${port}\` (the one with \`protocol websockets\`; options apply to the listener above them), as the seed's port.conf does, and restart mosquitto. Do not add a second \`listener ${port}\` line: Mosquitto cannot open one port twice and would not start.`;
      if (wss.chain.unavailable?.cause === 'not-tls') {
        // OpenSSL's "wrong version number": the answer is not TLS (curl: the same; ws:// to the port upgrades).
        return fail(
          `port ${port} answers, but not with TLS (${wss.chain.unavailable.errorCode ?? 'not a TLS record'}): the websockets listener serves plain ws://, or another service holds the port`,
          `${underIt} If \`sudo ss -ltnp\` shows another program on port ${port}, point --wss-port at the websockets listener instead.`,
          evidence,
          'no-tls',
        );
      }
      if (wss.chain.unavailable?.cause === 'timeout') {
        // Mosquitto answers a TLS hello at once: with TLS, or (ws:// without the TLS lines) with bytes
        // that are not TLS. Silence is something else on the port, or a broker that is stuck.
        return fail(
          `port ${port} accepts TCP but answered nothing to the TLS hello within ${wss.chain.unavailable.timeoutMs !== undefined ? `${wss.chain.unavailable.timeoutMs} ms` : 'the timeout'}: Mosquitto answers at once (with TLS, or with plain ws:// bytes), so another program holds the port, something in between swallows the traffic, or the broker is stuck`,
          `\`sudo ss -ltnp 'sport = :${port}'\` names what holds port ${port}: another program means --wss-port should point at the websockets listener (the seed's 50002); mosquitto itself means it is stuck or overloaded: its log (sudo tail /var/log/mosquitto/mosquitto.log), then \`sudo systemctl restart mosquitto\`. On a slow link, re-run with a longer --timeout.`,
          evidence,
          'silent',
        );
      }
      return fail(
        `port ${port} accepts TCP but the TLS handshake did not complete (${wss.chain.unavailable?.alert ?? (wss.chain.unavailable && attemptMessage(wss.chain.unavailable)) ?? wss.chain.unavailable?.cause})`,
        `${underIt} If it has them, the broker's log says why the handshake failed (sudo tail /var/log/mosquitto/mosquitto.log).`,
        evidence,
        'no-tls',
      );
    }

    // The same TLS verdicts as for the MQTT port.
    const verdicts: [string, Outcome][] = [
      ['chain', chainVerdict(wss.chain, settings.caPath)],
      ['hostname', hostnameVerdict(wss.chain, settings.host)],
      ['validity', validityVerdict(wss.chain, settings.now, settings.expiryWarnDays)],
    ];
    const failed = verdicts.find(([, outcome]) => outcome.status === 'fail');
    // The websockets listener's own chain decides: Mosquitto 2.0 ignores its tls_version, crlfile and capath.
    if (failed) return fail(`port ${port}: ${failed[1].summary}`, failed[1].hint ?? '', { ...evidence, [failed[0]]: failed[1].evidence, certificateFinding: `tls.${failed[0]}/${failed[1].code}` }, 'certificate');
    if (wss.upgradeStatus !== undefined && wss.upgradeStatus !== 101) {
      // An HTTP answer means the listener does speak websockets: the path or subprotocol is what failed.
      return fail(
        `port ${port} speaks HTTP but answered the upgrade at ${wss.path ?? '/mqtt'} with HTTP ${wss.upgradeStatus} instead of switching to websockets`,
        `An HTTP answer is not a missing \`protocol websockets\`: the path or the "mqtt" subprotocol was refused. Give the path your web clients use with --wss-path (Paho and MQTT.js default to /mqtt), and check any proxy in front of Mosquitto that routes by path.`,
        evidence,
        'upgrade-refused',
      );
    }
    if (wss.upgradeStatus === undefined && clientCertificateRequired(wss.upgrade)) return certificateRequired('TLS alert 116, certificate required');
    if (wss.upgradeStatus === undefined && wss.upgrade?.outcome === 'timeout') {
      // A TLS listener without `protocol websockets` resets at once (Mosquitto 2.0.11; browsers: "closed
      // before the handshake response"): a wait that ran out is no evidence that the line is missing.
      return fail(
        `port ${port} speaks TLS but the websocket upgrade failed: ${upgrade} (a listener without websockets resets at once; this one is slow or stuck)`,
        `Mosquitto 2.0 answers websockets slowly (its loop serves them every 100 ms; a CONNACK over wss:// takes ~300 ms where MQTT takes ~45), so a short --timeout (serve: a short scrape_timeout) or a loaded broker runs out first: re-run with a longer --timeout. If it still times out, a proxy in front of the port holds the request, or the broker is stuck (its log: sudo tail /var/log/mosquitto/mosquitto.log). A listener without \`protocol websockets\` does not time out: it resets the connection at once.`,
        evidence,
        'upgrade-timeout',
      );
    }
    if (wss.upgradeStatus !== 101) {
      const refusedCertificate = wss.upgradeStatus === undefined && certificateRefusedBeforeUpgrade(wss.upgrade);
      return fail(
        `port ${port} speaks TLS but the websocket upgrade failed: ${upgrade}`,
        refusedCertificate
          ? 'A standard TLS client refused this certificate before the upgrade: see tls.key and tls.chain.'
          : `Add \`protocol websockets\` under \`listener ${port}\` (Mosquitto must be built with websockets, as Debian's is).`,
        evidence,
        refusedCertificate ? 'certificate-refused' : 'not-websockets',
      );
    }
    const warned = verdicts.find(([, outcome]) => outcome.status === 'warn');
    if (evidence.sameCertificateAsMqttPort === false) {
      return warn(
        `port ${port} serves a different certificate than the MQTT port ${settings.port} (${wss.chain.certificates[0].subject})`,
        'Point both listeners\' `certfile`/`keyfile` at the same files (lampi_server.crt / lampi_server.key), so renewing one cannot leave the other stale.',
        evidence,
        'other-certificate',
      );
    }
    if (warned) return warn(`port ${port}: ${warned[1].summary}`, warned[1].hint ?? '', { ...evidence, certificateFinding: `tls.${warned[0]}/${warned[1].code}` }, 'certificate-warning');
    // Only claim "the same certificate" when both were seen; a failed MQTT handshake leaves nothing to compare.
    const certificate =
      evidence.sameCertificateAsMqttPort === true
        ? `the same verified certificate as port ${settings.port}`
        : `a verified certificate (could not compare it with port ${settings.port}'s: no certificate was seen there)`;
    return pass(`port ${port}: ${versionLabel(wss.handshakeDetail)} with ${certificate}; websocket upgrade OK (${upgrade})`, evidence, 'ok');
  },
});

/** A browser sends no client certificate: the connect failures that blame one cannot happen here. */
const NEEDS_CLIENT_CERTIFICATE = new Set(['crl-expired', 'broker-lacks-client-issuer', 'client-certificate-purpose']);
const BROWSER_CONNECT_CODES = Object.fromEntries(Object.entries(CONNECT_FAILURE_CODES).filter(([slug]) => !NEEDS_CLIENT_CERTIFICATE.has(slug)));

export const wssConnect = diagnosisCheck({
  id: 'wss.connect',
  title: 'MQTT over secure websockets, as a browser connects',
  dependsOn: ['wss.handshake'],
  needs: ['wssConnect'],
  codes: {
    ok: 'MQTT over wss:// is accepted without a client certificate, as a browser connects',
    'not-tried': 'Not tried: the websockets listener did not upgrade',
    ...BROWSER_CONNECT_CODES,
  },
  run({ wssConnect: facts }) {
    if (!facts.tried || !facts.connect) return skip(`not tried: ${wssNotTriedReason(facts.notTried)}`, undefined, undefined, 'not-tried');
    const connect = facts.connect;
    if (connect.outcome === 'connected') {
      return pass(`MQTT over wss:// accepted without a client certificate, as a browser connects (CONNACK 0, ${connect.elapsedMs} ms)`, connectEvidence(connect), 'ok');
    }
    const outcome = connectFailure(connect, 'the web client', 'the websockets listener');
    if (connect.outcome === 'refused' && [4, 5, 0x86, 0x87].includes(connect.returnCode ?? -1) && !connect.withUsername) {
      const prefixes = [5, 0x87].includes(connect.returnCode ?? -1)
        ? ` Or \`clientid_prefixes\` in mosquitto.conf refuses the client id ${connect.clientId}: remove the line, or pass a --client-id that starts with the prefix. --config names the lines in force.`
        : '';
      return {
        ...outcome,
        hint: `Browsers send no client certificate, so web clients need \`allow_anonymous true\` on this listener (with \`per_listener_settings true\`) or a \`password_file\` entry they log in with.${prefixes}`,
      };
    }
    return outcome;
  },
});
