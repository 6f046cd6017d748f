// Gate for suites that need a real Mosquitto: skipped (visibly) where it is missing, except under
// LAMPI_REQUIRE_MOSQUITTO=1 (CI), where a missing broker fails the run.
import { describe } from 'vitest';
import { findMosquitto } from '../../src/lab/mosquitto.js';

export const mosquittoPath = findMosquitto();
const required = process.env.LAMPI_REQUIRE_MOSQUITTO === '1';

if (!mosquittoPath && required) {
  throw new Error('LAMPI_REQUIRE_MOSQUITTO=1 but mosquitto is not installed (apt-get install mosquitto)');
}
if (!mosquittoPath) {
  console.warn('[lampi-doctor tests] mosquitto not found: suites that need a real broker are SKIPPED');
}

export const describeWithBroker = mosquittoPath ? describe : describe.skip;
