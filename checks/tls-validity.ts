import type { CertificateInfo } from '../src/facts.js';
import { DAY_MS, diagnosisCheck, fail, isoDay, pass, skip, warn } from './define.js';

export interface DateFinding {
  subject: string;
  problem: 'expired' | 'not-yet-valid' | 'expires-soon';
  date: string;
  days: number;
}

/** Shared with tls.client-auth: dates of one certificate against `now`. */
export function dateFinding(cert: CertificateInfo, now: Date, warnDays: number): DateFinding | undefined {
  const notBefore = Date.parse(cert.notBefore);
  const notAfter = Date.parse(cert.notAfter);
  const t = now.getTime();
  if (notBefore > t) return { subject: cert.subject, problem: 'not-yet-valid', date: cert.notBefore, days: Math.ceil((notBefore - t) / DAY_MS) };
  if (notAfter < t) return { subject: cert.subject, problem: 'expired', date: cert.notAfter, days: Math.floor((t - notAfter) / DAY_MS) };
  if (notAfter - t < warnDays * DAY_MS) return { subject: cert.subject, problem: 'expires-soon', date: cert.notAfter, days: Math.floor((notAfter - t) / DAY_MS) };
  return undefined;
}

export function describeDateFinding(finding: DateFinding): string {
  switch (finding.problem) {
    case 'expired':
      return `${finding.subject} expired on ${isoDay(finding.date)} (${finding.days} days ago)`;
    case 'not-yet-valid':
      return `${finding.subject} is not valid until ${isoDay(finding.date)} (in ${finding.days} days)`;
    default:
      return `${finding.subject} expires on ${isoDay(finding.date)} (in ${finding.days} days)`;
  }
}

export const tlsValidity = diagnosisCheck({
  id: 'tls.validity',
  title: 'Certificates are within their dates',
  dependsOn: ['tcp.connect'],
  needs: ['serverChain'],
  codes: {
    ok: 'Every certificate in the chain is within its dates',
    expired: 'A certificate in the chain has expired',
    'not-yet-valid': 'A certificate in the chain is not valid yet',
    'expires-soon': 'A certificate in the chain expires soon',
    'not-seen': 'Not tested: the server\'s certificate could not be seen',
  },
  run({ serverChain }, { now, expiryWarnDays }) {
    if (!serverChain.available) return skip(`could not see the server's certificate: ${serverChain.reason}`, undefined, undefined, 'not-seen', 'prerequisite-failed');
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
        evidence,
        'expired',
      );
    }
    if (early.length > 0) {
      return fail(
        early.map(describeDateFinding).join('; '),
        'The issuing machine\'s clock was ahead, or -startdate was set in the future: check `timedatectl` on both machines and re-issue the certificate.',
        evidence,
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
  },
});
