// bridge.inbound/outbound with --bridge-config whose diagnostic line is there but subtly wrong (hunt 3,
// H6/P7/P8). What Mosquitto 2.0.11 made of each line, from the lamp's log: `devices/b827eb74663e`
// (no slash) -> "sending SUBSCRIBE (… Topic: devices/b827eb74663elampi-doctor/#"; `''` -> "local
// SUBSCRIBE on topic ''lampi-doctor/#"; `"devices/b827eb74663e/"` -> remote topic
// `"devices/b827eb74663e/"lampi-doctor/#`; `in` -> no local SUBSCRIBE to lampi-doctor/# at all.
import { describe, expect, it } from 'vitest';
import { bridgeInbound, bridgeOutbound } from '../../checks/bridge-flow.js';
import type { DiagnosisFacts, ProbeMapping } from '../../src/facts.js';
import { flow, settings, withFacts } from '../helpers/facts.js';

const line: ProbeMapping = { file: '/etc/mosquitto/conf.d/lampi_bridge.conf', line: 16, direction: 'both', remotePrefix: 'devices/b827eb74663e/', pattern: 'lampi-doctor/#', localPrefix: '' };
const outbound = (mapping: Partial<ProbeMapping>, patch: (f: DiagnosisFacts) => void = () => undefined) =>
  bridgeOutbound.run(
    withFacts((f) => {
      f.bridgeOutbound = flow('outbound', { samplesMs: [], lost: 1, mappingInConfig: { ...line, ...mapping } });
      patch(f);
    }),
    settings,
  );

describe('a diagnostic line that is there but does not carry the probes', () => {
  it('a remote prefix without its trailing slash: where the probes land, and the corrected line; not "add it", not "stale"', () => {
    const out = outbound({ remotePrefix: 'devices/b827eb74663e' });
    expect([out.status, out.code]).toEqual(['fail', 'mapping-wrong']);
    expect(out.summary).toBe(
      "nothing crossed the bridge (lamp -> cloud): lampi_bridge.conf's diagnostic line (/etc/mosquitto/conf.d/lampi_bridge.conf:16) is there, but its remote prefix devices/b827eb74663e has no trailing /, so the probes land on devices/b827eb74663elampi-doctor/hello on the cloud, not devices/b827eb74663e/lampi-doctor/hello",
    );
    expect(out.hint).toBe('Correct that line in lampi_bridge.conf to `topic lampi-doctor/# both 1 "" devices/b827eb74663e/` and restart mosquitto on the lamp.');
    expect(out.hint).not.toMatch(/Add this line|stale/);
  });

  it('`in` where the probes need both: the outbound direction names it', () => {
    const out = outbound({ direction: 'in' });
    expect(out.code).toBe('mapping-wrong');
    expect(out.summary).toContain('is there, but it carries only `in` (cloud -> lamp), not `out`: write `both`');
    // The inbound direction is carried: nothing to name there (an ACL or a takeover, as before).
    const inbound = bridgeInbound.run(withFacts((f) => (f.bridgeInbound = flow('inbound', { samplesMs: [], lost: 1, mappingInConfig: { ...line, direction: 'in' } }))), settings);
    expect(inbound.code).toBe('mapping-blocked');
  });

  it("`''` and a quoted remote prefix: Mosquitto keeps the quotes", () => {
    expect(outbound({ localPrefix: "''", pattern: 'lampi-doctor/#' }).summary).toContain("its local prefix `''` keeps its quotes (Mosquitto reads only `\"\"` as the empty prefix), so the lamp side is ''lampi-doctor/#, not lampi-doctor/#");
    expect(outbound({ remotePrefix: '"devices/b827eb74663e/"' }).summary).toContain('its remote prefix `"devices/b827eb74663e/"` keeps its quotes (Mosquitto takes them literally), so the probes land on "devices/b827eb74663e/"lampi-doctor/hello on the cloud');
  });

  it('a bridge that is down: bridge.status first, and the line still named, not asked for', () => {
    const out = outbound({ remotePrefix: 'devices/b827eb74663e' }, (f) => (f.bridgeState.states = [{ topic: 'lamp/connection/b827eb74663e_broker/state', value: '0' }]));
    expect(out.code).toBe('bridge-disconnected');
    expect(out.hint).toContain("the probes still need lampi_bridge.conf's diagnostic line (/etc/mosquitto/conf.d/lampi_bridge.conf:16) fixed: its remote prefix devices/b827eb74663e has no trailing /");
    expect(out.hint).not.toContain('need the line `');
  });
});
