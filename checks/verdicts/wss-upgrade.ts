// The WebSocket upgrade of wss.handshake, in words: the probe records what happened (src/facts.ts
// WssUpgrade), the wording lives here. The words are the evidence's `upgrade` field, unchanged since
// the probe used to write them itself.
import type { WssUpgrade } from '../../src/facts.js';

export function upgradeDetail(upgrade: WssUpgrade | undefined): string | undefined {
  if (!upgrade) return undefined;
  switch (upgrade.outcome) {
    case 'switched':
      return `switched protocols (${upgrade.subprotocol ?? 'no subprotocol'})`;
    case 'http-answer':
      return `answered HTTP ${upgrade.status} instead of switching to websockets`;
    case 'timeout':
      return `no answer to the upgrade within ${upgrade.timeoutMs} ms`;
    case 'not-sent':
      return 'not sent: the certificate does not verify';
    default:
      return `${upgrade.errorCode ?? ''} ${upgrade.message}`.trim();
  }
}

/**
 * The listener ended the TLS session because no client certificate came (TLS 1.3 alert 116,
 * "certificate required"): `require_certificate true` under it. Browsers cannot send one.
 */
export function clientCertificateRequired(upgrade: WssUpgrade | undefined, alert?: string): boolean {
  if (alert && /certificate required/i.test(alert)) return true;
  return upgrade?.outcome === 'error' && (upgrade.errorCode === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' || /alert certificate required|alert number 116\b/i.test(upgrade.message));
}

/** A standard TLS client (Node's, as a browser's) refused the certificate before the upgrade. */
export function certificateRefusedBeforeUpgrade(upgrade: WssUpgrade | undefined): boolean {
  if (upgrade?.outcome === 'not-sent') return true;
  // The server's alert over a missing client certificate is not a refusal of the server's certificate.
  if (clientCertificateRequired(upgrade)) return false;
  return upgrade?.outcome === 'error' && /certificate|signature|digest|key too small|verify|weak/i.test(`${upgrade.errorCode ?? ''} ${upgrade.message}`);
}

/** Why wss.connect was not tried. */
export function wssNotTriedReason(notTried: 'upgrade-failed' | undefined): string {
  return notTried === 'upgrade-failed' ? 'the websocket upgrade did not succeed' : 'the websocket upgrade was not tried';
}
