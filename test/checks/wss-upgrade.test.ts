// The websockets upgrade: the probe records what happened, the check words it. The evidence's
// `upgrade` text is the same as when the probe wrote it (a JSON contract), and each outcome has its code.
import { describe, expect, it } from 'vitest';
import { wssConnect, wssHandshake } from '../../checks/wss.js';
import type { DiagnosisFacts, WssUpgrade } from '../../src/facts.js';
import { settings, withFacts } from '../helpers/facts.js';

const handshake = (upgrade: WssUpgrade | undefined, upgradeStatus?: number) =>
  wssHandshake.run(withFacts((f: DiagnosisFacts) => Object.assign(f.wss, { upgrade, upgradeStatus })), settings);

describe('wss.handshake words the upgrade the probe saw', () => {
  it.each([
    [{ outcome: 'switched', subprotocol: 'mqtt' }, 101, 'ok', 'switched protocols (mqtt)'],
    [{ outcome: 'switched' }, 101, 'ok', 'switched protocols (no subprotocol)'],
    [{ outcome: 'http-answer', status: 404 }, 404, 'upgrade-refused', 'answered HTTP 404 instead of switching to websockets'],
    [{ outcome: 'timeout', timeoutMs: 5000 }, undefined, 'upgrade-timeout', 'no answer to the upgrade within 5000 ms'],
    [{ outcome: 'error', errorCode: 'ECONNRESET', message: 'socket hang up' }, undefined, 'not-websockets', 'ECONNRESET socket hang up'],
    [{ outcome: 'error', errorCode: 'ERR_SSL_CA_MD_TOO_WEAK', message: 'ca md too weak' }, undefined, 'certificate-refused', 'ERR_SSL_CA_MD_TOO_WEAK ca md too weak'],
    [{ outcome: 'not-sent' }, undefined, 'certificate-refused', 'not sent: the certificate does not verify'],
  ] as const)('%o -> %s', (upgrade, status, code, words) => {
    const out = handshake(upgrade as WssUpgrade, status);
    expect([out.code, out.evidence?.upgrade]).toEqual([code, words]);
    if (code === 'upgrade-refused') expect(out.summary).toContain(`with HTTP ${status} instead of switching to websockets`);
    else if (code !== 'ok') expect(out.summary).toContain(words);
  });

  it('says why wss.connect was not tried', () => {
    const out = wssConnect.run(withFacts((f: DiagnosisFacts) => (f.wssConnect = { tried: false, notTried: 'upgrade-failed' })), settings);
    expect(out).toMatchObject({ status: 'skip', code: 'not-tried', summary: 'not tried: the websocket upgrade did not succeed' });
  });
});
