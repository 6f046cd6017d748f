// The dates of the server's chain, shared by tls.validity and wss.handshake.
import type { Outcome } from '../../src/engine/types.js';
import { chainUnavailableReason } from './tls-facts.js';
import type { ServerChainFacts } from '../../src/facts.js';
import { DAY_MS, fail, isoDay, pass, skip, warn } from '../define.js';
import { dateFinding, describeDateFinding } from './dates.js';

export function validityVerdict(serverChain: ServerChainFacts, now: Date, expiryWarnDays: number): Outcome {
    if (!serverChain.available) return skip(`could not see the server's certificate: ${chainUnavailableReason(serverChain.unavailable)}`, undefined, undefined, 'not-seen', 'prerequisite-failed');
    const certs = serverChain.certificates;
    const findings = certs.flatMap((cert) => dateFinding(cert, now, expiryWarnDays) ?? []);
    const evidence = {
      now: now.toISOString(),
      expiryWarnDays,
      certificates: certs.map((cert) => ({ subject: cert.subject, notBefore: cert.notBefore, notAfter: cert.notAfter })),
      findings: findings.map((finding) => ({ ...finding })),
    };
    const expired = findings.filter((finding) => finding.problem === 'expired');
    const early = findings.filter((finding) => finding.problem === 'not-yet-valid');
    if (expired.length > 0) {
      return fail(
        expired.map(describeDateFinding).join('; '),
        'Re-issue the expired certificate (openssl x509 -req ... -days 365), install it where `certfile` (or `cafile`) points, and restart mosquitto.',
        { ...evidence, opensslVerifyCode: 10 },
        'expired',
      );
    }
    if (early.length > 0) {
      return fail(
        early.map(describeDateFinding).join('; '),
        'The issuing machine\'s clock was ahead, or -startdate was set in the future: check `timedatectl` on both machines and re-issue the certificate.',
        { ...evidence, opensslVerifyCode: 9 },
        'not-yet-valid',
      );
    }
    if (findings.length > 0) {
      return warn(
        findings.map(describeDateFinding).join('; '),
        `Renew before it lapses: re-issue with openssl x509 -req ... -days 365 and replace the file \`certfile\` names (--expiry-warn-days ${expiryWarnDays} sets this warning).`,
        evidence,
        'expires-soon',
      );
    }
    const leaf = certs[0];
    const daysLeft = Math.floor((Date.parse(leaf.notAfter) - now.getTime()) / DAY_MS);
    return pass(`server certificate valid until ${isoDay(leaf.notAfter)} (${daysLeft} days); all ${certs.length} in the chain are within their dates`, evidence, 'ok');
}
