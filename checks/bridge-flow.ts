// bridge.inbound (cloud -> lamp) and bridge.outbound (lamp -> cloud): one decision, two directions.
import type { Outcome } from '../src/engine/types.js';
import type { BridgeFlowFacts, BridgeStateFacts } from '../src/facts.js';
import { readBridgeState } from './bridge-status.js';
import { diagnosisCheck, fail, latency, latencyText, pass, skip, warn } from './define.js';

const FLOW_CODES = {
  ok: 'Every probe crossed the bridge',
  'not-configured': 'Not tested: no lamp broker or device id to test through',
  'cloud-unreachable': 'Not tested: the probe could not connect to the cloud broker',
  'lamp-unreachable': 'The lamp broker (--local) could not be reached',
  'probe-failed': 'The bridge probe failed',
  'wrong-remote-prefix': 'The bridge maps another remote prefix than the device id',
  'mapping-missing': 'The bridge is connected but lacks the diagnostic mapping',
  'bridge-disconnected': 'Nothing crossed: the bridge is disconnected',
  'bridge-state-unknown': 'Nothing crossed, and the bridge state is unknown',
  'message-lost': 'Some probes crossed, then one was lost',
};

function failureCode(failure: string): string {
  if (failure.includes('--local')) return 'lamp-unreachable';
  return failure.startsWith('cannot connect to the cloud broker') ? 'cloud-unreachable' : 'probe-failed';
}

function decide(flow: BridgeFlowFacts, state: BridgeStateFacts): Outcome {
  const arrow = flow.direction === 'inbound' ? 'cloud -> lamp' : 'lamp -> cloud';
  if (!flow.configured) return skip(`not checked: ${flow.reason}`, undefined, undefined, 'not-configured');
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
  if (flow.failure) {
    const code = failureCode(flow.failure);
    if (code === 'cloud-unreachable') return skip(flow.failure, evidence, 'See mqtt.connect.', code, 'prerequisite-failed');
    return fail(flow.failure, code === 'lamp-unreachable' ? 'Check the lamp broker URL and that it listens there (the seed keeps `listener 1883 127.0.0.1`).' : 'Re-run with a longer --timeout; the lamp\'s broker log tells why the session broke.', evidence, code);
  }
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
