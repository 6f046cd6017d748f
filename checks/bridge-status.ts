import type { BridgeStateFacts, ServerChainFacts } from '../src/facts.js';
import { missingInputReason } from './verdicts/missing-input.js';
import { hostnameVerdict } from './verdicts/hostname.js';
import { validityVerdict } from './verdicts/validity.js';
import { liveBridge, readBridgeState } from './verdicts/bridge-state.js';
import { sessionEndWords } from './verdicts/mqtt-connect.js';
import { diagnosisCheck, fail, pass, skip, warn } from './define.js';

interface Suspect {
  /** The check, its verdict and finding code, and its summary: "tls.hostname warns (tls.hostname/cn-only): ..." */
  finding: string;
  hint: string;
}

/**
 * The certificate fault that most likely keeps a bridge from connecting, from the verdicts of
 * tls.hostname and tls.validity on the same facts: a CN-only or mismatched name is refused by a
 * bridge that dials another name or an address (OpenSSL never matches an address against the CN),
 * and an expired intermediate that only --ca's renewal hides is refused by a bridge_cafile without it.
 */
function certificateSuspect(serverChain: ServerChainFacts, host: string, now: Date, expiryWarnDays: number): Suspect | undefined {
  if (!serverChain.available) return undefined;
  const name = hostnameVerdict(serverChain, host);
  if (name.status === 'warn' || name.status === 'fail') {
    return { finding: `tls.hostname ${name.status === 'fail' ? 'fails' : 'warns'} (tls.hostname/${name.code}): ${name.summary}`, hint: NAME_SUSPECT_HINT };
  }
  const dates = validityVerdict(serverChain, now, expiryWarnDays);
  if (dates.code === 'served-out-of-date') {
    return { finding: `tls.validity warns (tls.validity/served-out-of-date): ${dates.summary}`, hint: STALE_CHAIN_HINT };
  }
  return undefined;
}

const NAME_SUSPECT_HINT =
  'The likely cause is the server certificate: the lamp\'s bridge verifies it against its `address` line, and a certificate that names the host only in its CN (or not at all) fails for a bridge that dials another name or an IP address (see tls.hostname, and config.bridge-address with `lampi-doctor lint` on the lamp\'s lampi_bridge.conf). Re-issue the certificate with a subjectAltName for the name the bridge dials, or make `address` that name; `sudo tail /var/log/mosquitto/mosquitto.log` on the lamp shows the bridge\'s TLS error.';

const STALE_CHAIN_HINT =
  'The likely cause is the chain the cloud sends (see tls.validity): the lamp\'s bridge verifies it with its bridge_cafile, which has no renewed copy of the expired certificate to use instead, so the lamp\'s log says `certificate verify failed`. Put the renewed certificate after the server certificate in the cloud\'s `certfile` and restart mosquitto there, then restart mosquitto on the lamp (a Mosquitto 2.0.11 lamp whose bridge kept failing can stop answering until it is restarted).';

export const bridgeStatus = diagnosisCheck({
  id: 'bridge.status',
  title: 'The lamp\'s bridge is connected',
  dependsOn: ['mqtt.connect'],
  needs: ['bridgeState', 'serverChain'],
  // The bridge flows (with --local) are live evidence: probes that crossed outweigh a retained state.
  // Read when bridge.inbound/outbound run; never probed for bridge.status alone.
  reads: ['bridgeInbound', 'bridgeOutbound'],
  codes: {
    connected: 'The lamp\'s bridge reports connected (its retained state is 1)',
    disconnected: 'The lamp\'s bridge reports disconnected (its retained state is 0)',
    'never-connected-certificate': 'No bridge state: the bridge has likely never connected, and the server certificate is the likely cause',
    unknown: 'No bridge state: the bridge has never connected, or does not report its state',
    'other-prefix': 'A bridge reports its state under another topic prefix',
    unreadable: 'The bridge state could not be read: the MQTT connection failed',
    'read-cut-short': 'Could not tell: the broker stopped answering while the bridge state was read',
    'not-mosquitto': 'Could not tell: the broker has no Mosquitto $SYS tree and no bridge state',
    'not-configured': 'Not checked: no bridge to look for (no --device-id or --bridge-client-id)',
    'state-stale': 'Probes crossed the bridge in this run, but its retained state still says 0 (notifications off, or a stale value)',
    'state-missing': 'Probes crossed the bridge in this run, but it leaves no retained state (notifications off)',
    'lamp-not-answering': 'The bridge is not connected, and the lamp broker (--local) does not answer: its mosquitto is not running there',
  },
  run({ bridgeState, serverChain, bridgeInbound, bridgeOutbound }, { host, port, now, expiryWarnDays, caPath, certPath }) {
    if (!bridgeState.configured) return skip(`not checked: ${missingInputReason(bridgeState.missing, 'lamp')}`, undefined, undefined, 'not-configured');
    const reading = readBridgeState(bridgeState);
    // Where the states were looked for: the seed's mapped topic, and the bridge's own notification_topic (--bridge-config).
    const where = `${bridgeState.expectedFilter}${bridgeState.notificationTopic ? ` or ${bridgeState.notificationTopic}` : ''}`;
    // The bridge's own notification decided; the lamp's mapped copy, when it says otherwise, is older.
    const stale = reading.staleCopy ? `; the lamp's mapped copy ${reading.staleCopy.topic} still says ${reading.staleCopy.value}, an older notification` : '';
    const evidence = {
      state: reading.state,
      topic: reading.topic,
      ...(reading.staleCopy ? { staleCopy: reading.staleCopy } : {}),
      expected: bridgeState.expectedFilter,
      bridgeClientId: bridgeState.bridgeClientId,
      retainedStates: bridgeState.states.map((s) => ({ ...s })),
      brokerVersion: bridgeState.brokerVersion ?? null,
      transcript: bridgeState.transcript,
    };
    if (bridgeState.connectFailure) return fail(`could not read the bridge state: ${bridgeState.connectEnd ? sessionEndWords(bridgeState.connectEnd) : bridgeState.connectFailure}`, 'See mqtt.connect.', evidence, 'unreadable');
    // Live evidence beats retained state: probes that crossed the bridge in this run (either way) say
    // it is up, whatever an old notification left behind (a clean shutdown's 0, notifications off).
    const live = liveBridge([bridgeInbound, bridgeOutbound].filter((flow) => flow !== undefined));
    if (live.crossed.length > 0 && reading.state !== 'connected' && !reading.otherPrefix) {
      const crossed = `probes crossed the bridge in this run (${live.crossed.join(', ')})`;
      const liveEvidence = { ...evidence, liveState: 'connected', crossed: live.crossed };
      if (bridgeState.readCutShort) return pass(`connected: ${crossed}; its retained state could not be read in full (${bridgeState.readCutShort})`, liveEvidence, 'connected');
      if (reading.state === 'disconnected') {
        return warn(
          `connected: ${crossed}, but its retained state ${reading.topic} = 0 is stale`,
          `The bridge works but its state notification is not kept current (unless the bridge connected during this run, after its state was read: run again). If lampi_bridge.conf says \`notifications false\`, remove that line (notifications are on by default) and restart mosquitto on the lamp; if its \`notification_topic\` names another topic, this 0 is a leftover. Otherwise clear the stale value on the cloud: \`mosquitto_pub -h ${host} -p ${port} --cafile ${caPath ?? 'lampi_ca.crt'} --cert ${certPath ?? 'client.crt'} --key <its key> -r -n -t ${reading.topic}\` (a lamp that shut down cleanly with notifications on leaves its 0 behind until the bridge reconnects).`,
          liveEvidence,
          'state-stale',
        );
      }
      return warn(
        `connected: ${crossed}, but it leaves no retained state at ${where}${bridgeState.sysTree === false ? ' (this broker has no Mosquitto $SYS tree)' : ''}`,
        `The bridge works but does not report its state (unless it connected during this run, after its state was read: run again): if lampi_bridge.conf says \`notifications false\`, remove that line and restart mosquitto on the lamp; it also needs \`notification_topic lamp/connection/${bridgeState.bridgeClientId ?? '<remote_clientid>'}/state\` and \`topic lamp/connection/+/state out 2 "" devices/${bridgeState.deviceId}/\` for the lamp's copy.${bridgeState.notificationTopic ? '' : ' If it reports on a `notification_topic` of its own, give --bridge-config lampi_bridge.conf so that topic is read.'}`,
        liveEvidence,
        'state-missing',
      );
    }
    // Cut short, the states that arrived may be a misleading subset (another bridge's, a stale one):
    // only this bridge's own state, on its exact topic, still decides.
    const ownTopic = bridgeState.bridgeClientId ? bridgeState.expectedFilter?.replace('+', bridgeState.bridgeClientId) : undefined;
    // The bridge's own notification (outside devices/, naming its client id) is its own exact topic too.
    const ownRaw =
      Boolean(bridgeState.bridgeClientId && reading.topic && !reading.topic.startsWith('devices/') && reading.topic.includes(`/${bridgeState.bridgeClientId}/`)) ||
      Boolean(bridgeState.notificationTopic && reading.topic === bridgeState.notificationTopic);
    if (bridgeState.readCutShort && !(((ownTopic && reading.topic === ownTopic) || ownRaw) && reading.state !== 'unknown')) {
      return skip(
        `could not tell: the broker stopped answering while its retained bridge states were read (${bridgeState.readCutShort}), and no state for ${ownTopic ?? bridgeState.expectedFilter} had arrived by then`,
        evidence,
        'Re-run with a longer --timeout; if it recurs, the broker log says why it stopped answering this session.',
        'read-cut-short',
        'inconclusive',
      );
    }
    if (reading.otherPrefix) {
      return fail(
        `no bridge state under ${bridgeState.expectedFilter}, but a bridge reports under ${reading.otherPrefix}: the bridge's topic lines use another prefix`,
        `Make the remote prefix of every \`topic\` line in lampi_bridge.conf \`devices/${bridgeState.deviceId}/\`, or pass the lamp's real id with --device-id.`,
        evidence,
        'other-prefix',
      );
    }
    if (reading.state === 'connected') return pass(`connected: ${reading.topic} = 1 (retained by the bridge, read without publishing)${stale}`, evidence, 'connected');
    if (live.lampSilent) {
      const lamp = `--local ${live.lampSilent.url ?? ''}`.trim();
      const said = reading.state === 'disconnected' ? `disconnected: ${reading.topic} = 0` : `unknown: no retained bridge state at ${where}`;
      const why = live.lampSilent.timedOut ? `the lamp broker did not answer at ${lamp} (${live.lampSilent.words})` : `nothing answers at ${lamp} (${live.lampSilent.words})`;
      return fail(
        `${said}, and ${why}: the lamp's mosquitto is not running, or not listening there${stale}`,
        `On the lamp: \`sudo systemctl status mosquitto\` says whether it runs; start it with \`sudo systemctl restart mosquitto\`, and \`sudo tail /var/log/mosquitto/mosquitto.log\` says why it stopped (or will not start). If it runs, make --local its listener (the seed keeps \`listener 1883 127.0.0.1\`).`,
        { ...evidence, lamp: { url: live.lampSilent.url, said: live.lampSilent.words } },
        'lamp-not-answering',
      );
    }
    const suspect = certificateSuspect(serverChain, host, now, expiryWarnDays);
    if (reading.state === 'disconnected') {
      if (suspect) {
        return fail(`disconnected: ${reading.topic} = 0, the lamp's bridge lost its connection to this broker${stale}; ${suspect.finding}`, suspect.hint, { ...evidence, certificateFinding: suspect.finding }, 'disconnected');
      }
      return fail(
        `disconnected: ${reading.topic} = 0, the lamp's bridge lost its connection to this broker${stale}`,
        'On the lamp: `sudo tail /var/log/mosquitto/mosquitto.log`. Usual causes: bridge_certfile/bridge_keyfile not a pair or not issued by the CA, bridge_cafile wrong, `address` not the FQDN the server certificate names, or port 1883 instead of 8883.',
        evidence,
        'disconnected',
      );
    }
    if (bridgeState.sysTree === false) {
      // Not Mosquitto: without its $SYS tree nothing here says whether a bridge ever connected.
      return skip(
        `could not tell: no retained bridge state at ${where}, and this broker has no Mosquitto $SYS tree ($SYS/broker/version unanswered), so it is not Mosquitto or hides $SYS; tested: the state topics the lamp's bridge would retain`,
        evidence,
        'On the lamp, `sudo tail /var/log/mosquitto/mosquitto.log` says whether its bridge connects; bridge.inbound and bridge.outbound (with --local) test the path itself.',
        'not-mosquitto',
      );
    }
    if (suspect) {
      return warn(
        `unknown: no retained bridge state at ${where} on the cloud, so the bridge has likely never connected; ${suspect.finding}`,
        suspect.hint,
        { ...evidence, certificateFinding: suspect.finding },
        'never-connected-certificate',
      );
    }
    return warn(
      `unknown: no retained bridge state at ${where} on the cloud`,
      `The bridge has never connected, or does not report its state. On the lamp, \`sudo grep -i -E 'bridge|refused|openssl' /var/log/mosquitto/mosquitto.log | tail\` says which: "Connection Refused: not authorised" means the cloud refuses the bridge's client id (a \`clientid_prefixes\` it misses; --config names the line); "Error creating bridge", an OpenSSL error or a bridge_keyfile error means its TLS or its files fail (bridge_cafile, bridge_certfile/bridge_keyfile, \`address\`); if it connects, lampi_bridge.conf needs \`topic lamp/connection/+/state out 2 "" devices/${bridgeState.deviceId}/\` and the lamp must publish that state (\`notification_topic lamp/connection/${bridgeState.bridgeClientId}/state\`).`,
      evidence,
      'unknown',
    );
  },
});
