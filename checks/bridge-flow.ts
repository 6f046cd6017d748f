// bridge.inbound (cloud -> lamp) and bridge.outbound (lamp -> cloud): one decision, two directions.
import type { Outcome } from '../src/engine/types.js';
import { missingInputReason } from './verdicts/missing-input.js';
import { mappingDefects } from './verdicts/probe-mapping.js';
import type { BridgeFlowFacts, BridgeFlowFailure, BridgeStateFacts } from '../src/facts.js';
import { readBridgeState } from './verdicts/bridge-state.js';
import { sessionEndWords } from './verdicts/mqtt-connect.js';
import { diagnosisCheck, fail, latency, latencyText, pass, skip, warn } from './define.js';

const LAMP_HINT = 'Check the lamp broker URL and that it listens there (the seed keeps `listener 1883 127.0.0.1`); the lamp\'s log says why it stopped answering (sudo tail /var/log/mosquitto/mosquitto.log).';

const FLOW_CODES = {
  ok: 'Every probe crossed the bridge',
  'not-configured': 'Not tested: no lamp broker or device id to test through',
  'cloud-unreachable': 'Not tested: the probe could not connect to the cloud broker',
  'cloud-no-answer': 'The cloud broker stopped answering during the test',
  'lamp-connect-failed': 'The lamp broker (--local) could not be reached',
  'lamp-no-answer': 'The lamp broker (--local) stopped answering during the test',
  'wrong-remote-prefix': 'The bridge maps another remote prefix than the device id',
  'mapping-missing': 'The bridge is connected but lacks the diagnostic mapping',
  'mapping-blocked': 'Nothing crossed, though the bridge reports connected and --bridge-config maps the probes (an ACL, or a client-id takeover)',
  'mapping-wrong': 'Nothing crossed: --bridge-config has the diagnostic line, but it does not carry the probes (direction, a quoted prefix, a prefix without its trailing /, another prefix)',
  'bridge-disconnected': 'Nothing crossed: the bridge is disconnected',
  'bridge-state-unknown': 'Nothing crossed, and the bridge state is unknown',
  'message-lost': 'Some probes crossed, then one was lost',
};

function flowFailure(failure: BridgeFlowFailure, evidence: Outcome['evidence']): Outcome {
  const broker = failure.broker === 'lamp' ? `--local ${failure.url ?? ''}`.trim() : 'the cloud broker';
  const why = failure.detail ?? (failure.stage === 'connect' ? sessionEndWords({ ...failure, message: undefined }) : failure.outcome ?? 'no reason given');
  if (failure.stage === 'connect') {
    // The cloud session failing is mqtt.connect's finding: here it only means the bridge could not be tested.
    if (failure.broker === 'cloud') return skip(`cannot connect to ${broker}: ${why}`, { ...evidence, outcome: failure.outcome }, 'See mqtt.connect.', 'cloud-unreachable', 'prerequisite-failed');
    return fail(`cannot connect to ${broker}: ${why}`, LAMP_HINT, { ...evidence, outcome: failure.outcome }, 'lamp-connect-failed');
  }
  return fail(`${broker} stopped answering during the test: ${why}`, failure.broker === 'lamp' ? LAMP_HINT : 'See mqtt.roundtrip.', evidence, `${failure.broker}-no-answer`);
}

/**
 * The --bridge-config line meant for the probes, and why it does not carry this direction under the
 * prefix tested (Mosquitto keeps quotes other than `""`, adds no '/', honours the direction): [] when it does.
 */
function configLine(flow: BridgeFlowFacts): { where: string; defects: string[] } | undefined {
  const mapping = flow.mappingInConfig;
  const line = /^topic (\S*)# both \d ""( (\S*))?$/.exec(flow.mappingLine ?? '');
  if (!mapping || !line) return undefined;
  const [, probePrefix, , tested = ''] = line;
  const need = flow.direction === 'inbound' ? 'in' : 'out';
  const defects = mappingDefects({ pattern: mapping.pattern ?? `${probePrefix}#`, direction: mapping.direction, localPrefix: mapping.localPrefix ?? '', remotePrefix: mapping.remotePrefix }, probePrefix, tested, need);
  return { where: `${mapping.file}:${mapping.line}`, defects };
}

/** The probe mapping as --bridge-config has it, when it carries this direction under the prefix tested. */
function mappedInConfig(flow: BridgeFlowFacts): string | undefined {
  const line = configLine(flow);
  return line && line.defects.length === 0 ? line.where : undefined;
}

/** Why probes do not cross a bridge that is up and maps them: what the cloud's log shows for each. */
function blockedCauses(state: BridgeStateFacts): string {
  const bridge = state.bridgeClientId ?? '<remote_clientid>';
  const prefix = state.deviceId ? `devices/${state.deviceId}/#` : 'devices/<id>/#';
  return (
    `Look in the cloud's log (sudo grep ${bridge} /var/log/mosquitto/mosquitto.log): \`Denied PUBLISH from ${bridge}\` means the cloud's acl_file denies the bridge's user (the CN of its certificate with use_identity_as_username; a \`pattern … devices/%u/#\` line expands to devices/${bridge}/#): grant it \`user ${bridge}\` with \`topic readwrite ${prefix}\` and restart or signal mosquitto (kill -HUP); ` +
    `\`Client ${bridge} already connected, closing old connection\` means another client (a second lamp) takes over the bridge's client id: give each lamp its own remote_clientid.`
  );
}

function decide(flow: BridgeFlowFacts, state: BridgeStateFacts): Outcome {
  const arrow = flow.direction === 'inbound' ? 'cloud -> lamp' : 'lamp -> cloud';
  if (!flow.configured) return skip(`not checked: ${missingInputReason(flow.missing, 'prefix')}`, undefined, undefined, 'not-configured');
  const stats = latency(flow.samplesMs);
  const evidence = {
    direction: arrow,
    from: flow.from,
    to: flow.to,
    sent: flow.sent,
    received: flow.samplesMs.length,
    samplesMs: flow.samplesMs,
    latency: stats ? { ...stats } : undefined,
    arrivedElsewhere: flow.arrivedElsewhere,
    ...(flow.mappingInConfig ? { mappingInConfig: { ...flow.mappingInConfig } } : {}),
    transcript: flow.transcript,
  };
  if (flow.failure) return flowFailure(flow.failure, evidence);
  if (flow.arrivedElsewhere) {
    return fail(
      `the probe crossed the bridge but arrived on ${flow.arrivedElsewhere}, not ${flow.to?.replace(/^\w+ /, '')}: the bridge maps another remote prefix`,
      'Make the remote prefix of the bridge\'s `topic` lines match the device id you pass (--device-id), or pass the lamp\'s real id.',
      evidence,
      'wrong-remote-prefix',
    );
  }
  if (flow.samplesMs.length === 0) {
    const reading = readBridgeState(state);
    if (reading.otherPrefix) {
      return fail(
        `nothing crossed the bridge (${arrow}): it maps ${reading.otherPrefix}, not ${state.expectedFilter?.replace(/lamp\/connection\/.*$/, '')}`,
        'Make the remote prefix of the bridge\'s `topic` lines match the device id you pass (--device-id), or pass the lamp\'s real id.',
        evidence,
        'wrong-remote-prefix',
      );
    }
    const bridge = reading.state;
    const wrong = configLine(flow);
    if (wrong && wrong.defects.length > 0) {
      // --bridge-config has the line, subtly wrong: name its defect, never "add it" or "the state is stale".
      const defects = wrong.defects.join('; ');
      const fix = `Correct that line in lampi_bridge.conf to \`${flow.mappingLine}\` and restart mosquitto on the lamp.`;
      if (bridge === 'connected') {
        return fail(`nothing crossed the bridge (${arrow}): lampi_bridge.conf's diagnostic line (${wrong.where}) is there, but ${defects}`, fix, evidence, 'mapping-wrong');
      }
      return fail(
        bridge === 'disconnected' ? `nothing crossed the bridge (${arrow}): it is disconnected` : `nothing crossed the bridge (${arrow}), and its state is unknown`,
        `See bridge.status. Once the bridge is up, the probes still need lampi_bridge.conf's diagnostic line (${wrong.where}) fixed: ${defects}. ${fix}`,
        evidence,
        bridge === 'disconnected' ? 'bridge-disconnected' : 'bridge-state-unknown',
      );
    }
    const mapped = mappedInConfig(flow);
    if (mapped) {
      // --bridge-config shows the line: telling the user to add it would be wrong.
      if (bridge === 'connected') {
        return fail(
          `nothing crossed the bridge (${arrow}), though it reports connected and lampi_bridge.conf maps the probes (${mapped}: ${flow.mappingLine})`,
          `${blockedCauses(state)} If neither shows, the "connected" state is stale (a lamp that shut down cleanly leaves it behind): see the lamp's log.`,
          evidence,
          'mapping-blocked',
        );
      }
      return fail(
        bridge === 'disconnected' ? `nothing crossed the bridge (${arrow}): it is disconnected (lampi_bridge.conf maps the probes, ${mapped})` : `nothing crossed the bridge (${arrow}), and its state is unknown (lampi_bridge.conf maps the probes, ${mapped})`,
        `See bridge.status. If the cloud's log shows \`New bridge connected … as ${state.bridgeClientId ?? '<remote_clientid>'}\`, the bridge is up and something stops its messages. ${blockedCauses(state)}`,
        evidence,
        bridge === 'disconnected' ? 'bridge-disconnected' : 'bridge-state-unknown',
      );
    }
    if (bridge === 'connected') {
      return skip(
        `the bridge reports connected but does not carry the diagnostic mapping (${arrow} saw nothing)`,
        evidence,
        `Add this line to the bridge's connection block in lampi_bridge.conf and restart mosquitto on the lamp: ${flow.mappingLine} (if the line is there, the "connected" state is stale: a lamp that shut down cleanly leaves it behind).`,
        'mapping-missing',
        'inconclusive',
      );
    }
    return fail(
      bridge === 'disconnected' ? `nothing crossed the bridge (${arrow}): it is disconnected` : `nothing crossed the bridge (${arrow}), and its state is unknown`,
      `See bridge.status; once the bridge is up, the probes need the line \`${flow.mappingLine}\` in lampi_bridge.conf.`,
      evidence,
      bridge === 'disconnected' ? 'bridge-disconnected' : 'bridge-state-unknown',
    );
  }
  const count = `${flow.samplesMs.length}/${flow.sent}`;
  if (flow.lost > 0) return warn(`${count} probes crossed the bridge (${arrow}); one was lost and the series stopped`, 'A flaky link or an overloaded lamp: re-run, and watch the lamp\'s broker log.', evidence, 'message-lost');
  return pass(`${count} probes crossed the bridge ${arrow}: ${latencyText(stats!)}`, evidence, 'ok');
}

export const bridgeInbound = diagnosisCheck({
  id: 'bridge.inbound',
  title: 'Messages cross the bridge from the cloud to the lamp',
  // Probes are published (inbound) or read (outbound) on the cloud: untestable where the round trip fails.
  dependsOn: ['mqtt.roundtrip'],
  needs: ['bridgeInbound', 'bridgeState'],
  codes: FLOW_CODES,
  run: ({ bridgeInbound: flow, bridgeState }) => decide(flow, bridgeState),
});

export const bridgeOutbound = diagnosisCheck({
  id: 'bridge.outbound',
  title: 'Messages cross the bridge from the lamp to the cloud',
  dependsOn: ['mqtt.roundtrip'],
  needs: ['bridgeOutbound', 'bridgeState'],
  codes: FLOW_CODES,
  run: ({ bridgeOutbound: flow, bridgeState }) => decide(flow, bridgeState),
});
