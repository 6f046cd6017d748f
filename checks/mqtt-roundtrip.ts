import { diagnosisCheck, fail, latency, latencyText, pass, warn } from './define.js';
import { connectFailure } from './verdicts/mqtt-connect.js';

export const mqttRoundtrip = diagnosisCheck({
  id: 'mqtt.roundtrip',
  title: 'Publish and receive on the cloud broker',
  dependsOn: ['mqtt.connect'],
  needs: ['roundtrip', 'clientCertificate'],
  codes: {
    ok: 'Every message came back',
    'connect-failed': 'The round trip\'s own connection failed',
    'subscribe-refused': 'The broker refused the SUBSCRIBE (an ACL denies reading)',
    'no-answer': 'The broker stopped answering during the round trip',
    'acknowledged-not-delivered': 'The broker acknowledged the PUBLISH but never delivered it (an ACL or a message_size_limit drops it)',
    'nothing-came-back': 'A QoS 0 PUBLISH never came back',
    'message-lost': 'Some messages came back, then one was lost',
  },
  run({ roundtrip, clientCertificate }, { samples }) {
    const username = clientCertificate.certificate?.commonName ?? 'your client';
    // mqtt.connect passed before this runs: its code names the cause, this one that the session failed.
    if (roundtrip.connect.outcome !== 'connected') return { ...connectFailure(roundtrip.connect, username, 'the broker'), code: 'connect-failed' };
    const stats = latency(roundtrip.samplesMs);
    const evidence = {
      topic: roundtrip.topic,
      qos: roundtrip.qos,
      retained: false,
      sent: roundtrip.sent,
      received: roundtrip.samplesMs.length,
      ...(roundtrip.warmup ? { warmup: roundtrip.warmup } : {}),
      ...(roundtrip.payloadBytes !== undefined ? { payloadBytes: roundtrip.payloadBytes } : {}),
      samplesMs: roundtrip.samplesMs,
      ...(roundtrip.errorKind ? { errorKind: roundtrip.errorKind } : {}),
      latency: stats ? { ...stats } : undefined,
      transcript: roundtrip.transcript,
    };
    const aclHint = `Grant ${username} access in the broker's \`acl_file\`, e.g. \`user ${username}\` then \`topic readwrite ${roundtrip.topic.replace(/roundtrip\/.*$/, '#')}\` (with use_identity_as_username the CN is the user).`;
    if (roundtrip.granted === 128) return fail(`the broker refused the SUBSCRIBE to ${roundtrip.topic} (SUBACK 0x80): an ACL denies reading it`, aclHint, evidence, 'subscribe-refused');
    if (roundtrip.error && roundtrip.errorKind === 'closed') {
      // A longer wait cannot help a session the broker ended: its log says why.
      return fail(
        `the round trip broke off: the broker closed the session (${roundtrip.error})`,
        'The broker ended this session after accepting it, so a longer --timeout will not help: its log says why (`sudo tail /var/log/mosquitto/mosquitto.log`), e.g. another client connecting with the same client id (under `use_username_as_clientid true` every session with one certificate has the same id, lampi-doctor\'s own included: --config names it), a packet over `max_packet_size` or `message_size_limit`, a restart, or a proxy in front of it that drops the connection.',
        evidence,
        'no-answer',
      );
    }
    if (roundtrip.error) return fail(`the round trip broke off: ${roundtrip.error}`, 'Re-run with a longer --timeout; the broker log tells why it dropped the session.', evidence, 'no-answer');
    // Untimed warm-up messages count as messages: one that came back shows the path works.
    const warmup = roundtrip.warmup ?? { sent: 0, received: 0 };
    if (roundtrip.samplesMs.length + warmup.received === 0) {
      return roundtrip.acknowledgedButLost
        ? fail(
            `the broker acknowledged the PUBLISH to ${roundtrip.topic} (QoS ${roundtrip.qos}) but never delivered it: an ACL or a \`message_size_limit\` drops it silently`,
            // Mosquitto 2.0.11 acknowledges both and delivers neither; only its log tells them apart.
            `lampi-doctor cannot tell from here which drops it: (1) an ACL: ${aclHint} (2) \`message_size_limit\` below the probe's ${roundtrip.payloadBytes ?? 'about 25'}-byte payload (the broker's log says "Dropped too large PUBLISH"): raise it above your clients' largest message, or remove it. --config names the line in force.`,
            evidence,
            'acknowledged-not-delivered',
          )
        : fail(
            `a QoS 0 PUBLISH to ${roundtrip.topic} never came back (QoS 0 gets no acknowledgement; an ACL or a \`message_size_limit\` may drop it)`,
            `${aclHint} Or \`message_size_limit\` is below the probe's ${roundtrip.payloadBytes ?? 'about 25'}-byte payload (the broker's log says "Dropped too large PUBLISH"). Re-run with --qos 1 to see whether the broker accepts it.`,
            evidence,
            'nothing-came-back',
          );
    }
    const count = `${roundtrip.samplesMs.length}/${roundtrip.sent}`;
    if (roundtrip.lost > 0) {
      const all = `${roundtrip.samplesMs.length + warmup.received}/${roundtrip.sent + warmup.sent}`;
      return warn(`${all} messages came back on ${roundtrip.topic} (QoS ${roundtrip.qos}); one was lost and the series stopped`, 'An overloaded broker or a flaky link loses messages at QoS 0: re-run, or use --qos 1.', evidence, 'message-lost');
    }
    const ofRequested = roundtrip.sent < samples ? ` of ${samples}` : '';
    return pass(`${count}${ofRequested} messages round-tripped at QoS ${roundtrip.qos}, never retained: ${latencyText(stats!)}`, evidence, 'ok');
  },
});
