// bridge.inbound (cloud -> lamp) and bridge.outbound (lamp -> cloud): one decision, two directions.
import type { Outcome } from '../src/engine/types.js';
import { missingInputReason } from './verdicts/missing-input.js';
import type { BridgeFlowFacts, BridgeFlowFailure, BridgeStateFacts } from '../src/facts.js';
import { readBridgeState } from './bridge-status.js';
import { diagnosisCheck, fail, latency, latencyText, pass, skip, warn } from './define.js';

const LAMP_HINT = 'Check the lamp broker URL and that it listens there (the seed keeps `listener 1883 127.0.0.1`); the lamp\'s log says why it stopped answering (sudo tail /var/log/mosquitto/mosquitto.log).';

function flowFailure(failure: BridgeFlowFailure, evidence: Outcome['evidence']): Outcome {
  const broker = failure.broker === 'lamp' ? `--local ${failure.url ?? ''}`.trim() : 'the cloud broker';
  const why = failure.detail ?? failure.outcome ?? 'no reason given';
  if (failure.stage === 'connect') {
    const slug = failure.broker === 'lamp' ? 'lamp-connect-failed' : 'cloud-connect-failed';
    return fail(`cannot connect to ${broker}: ${why}`, failure.broker === 'lamp' ? LAMP_HINT : 'See mqtt.connect.', { ...evidence, outcome: failure.outcome }, slug);
  }
  return fail(`${broker} stopped answering during the test: ${why}`, failure.broker === 'lamp' ? LAMP_HINT : 'See mqtt.roundtrip.', evidence, `${failure.broker}-no-answer`);
}

function decide(flow: BridgeFlowFacts, state: BridgeStateFacts): Outcome {
  const arrow = flow.direction === 'inbound' ? 'cloud -> lamp' : 'lamp -> cloud';
  if (!flow.configured) return skip(`not checked: ${missingInputReason(flow.missing, 'prefix')}`);
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
    transcript: flow.transcript,
  };
  if (flow.failure) return flowFailure(flow.failure, evidence);
  if (flow.arrivedElsewhere) {
    return fail(
      `the probe crossed the bridge but arrived on ${flow.arrivedElsewhere}, not ${flow.to?.replace(/^\w+ /, '')}: the bridge maps another remote prefix`,
      'Make the remote prefix of the bridge\'s `topic` lines match the device id you pass (--device-id), or pass the lamp\'s real id.',
      evidence,
    );
  }
  if (flow.samplesMs.length === 0) {
    const reading = readBridgeState(state);
    if (reading.otherPrefix) {
      return fail(
        `nothing crossed the bridge (${arrow}): it maps ${reading.otherPrefix}, not ${state.expectedFilter?.replace(/lamp\/connection\/.*$/, '')}`,
        'Make the remote prefix of the bridge\'s `topic` lines match the device id you pass (--device-id), or pass the lamp\'s real id.',
        evidence,
      );
    }
    const bridge = reading.state;
    if (bridge === 'connected') {
      return skip(
        `the bridge reports connected but does not carry the diagnostic mapping (${arrow} saw nothing)`,
        evidence,
        `Add this line to the bridge's connection block in lampi_bridge.conf and restart mosquitto on the lamp: ${flow.mappingLine} (if the line is there, the "connected" state is stale: a lamp that shut down cleanly leaves it behind).`,
      );
    }
    return fail(
      bridge === 'disconnected' ? `nothing crossed the bridge (${arrow}): it is disconnected` : `nothing crossed the bridge (${arrow}), and its state is unknown`,
      `See bridge.status; once the bridge is up, the probes need the line \`${flow.mappingLine}\` in lampi_bridge.conf.`,
      evidence,
    );
  }
  const count = `${flow.samplesMs.length}/${flow.sent}`;
  if (flow.lost > 0) return warn(`${count} probes crossed the bridge (${arrow}); one was lost and the series stopped`, 'A flaky link or an overloaded lamp: re-run, and watch the lamp\'s broker log.', evidence);
  return pass(`${count} probes crossed the bridge ${arrow}: ${latencyText(stats!)}`, evidence);
}

export const bridgeInbound = diagnosisCheck({
  id: 'bridge.inbound',
  title: 'Messages cross the bridge from the cloud to the lamp',
  // Probes are published (inbound) or read (outbound) on the cloud: untestable where the round trip fails.
  dependsOn: ['mqtt.roundtrip'],
  needs: ['bridgeInbound', 'bridgeState'],
  run: ({ bridgeInbound: flow, bridgeState }) => decide(flow, bridgeState),
});

export const bridgeOutbound = diagnosisCheck({
  id: 'bridge.outbound',
  title: 'Messages cross the bridge from the lamp to the cloud',
  dependsOn: ['mqtt.roundtrip'],
  needs: ['bridgeOutbound', 'bridgeState'],
  run: ({ bridgeOutbound: flow, bridgeState }) => decide(flow, bridgeState),
});
