// What the user did not give, so a bridge check could not run: the flag that would let it.
import type { MissingBridgeInput } from '../../src/facts.js';

export function missingInputReason(missing: MissingBridgeInput | undefined, purpose: 'lamp' | 'prefix'): string {
  if (missing === 'local') return "give --local mqtt://127.0.0.1:1883 (the lamp's own broker) to test through the bridge";
  return purpose === 'lamp'
    ? 'give --device-id (or --bridge-config lampi_bridge.conf) to say which lamp to look for'
    : "give --device-id (or --bridge-config lampi_bridge.conf) to know the bridge's topic prefix";
}
