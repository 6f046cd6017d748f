// Dates of one certificate against `now`: shared by tls.validity, tls.client-auth, tls.handshake and lint.
import type { CertificateInfo } from '../../src/facts.js';
import { DAY_MS, isoDay } from '../define.js';

export interface DateFinding {
  subject: string;
  problem: 'expired' | 'not-yet-valid' | 'expires-soon';
  date: string;
  days: number;
}

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

/** True when the certificate is within its dates at `now` (expiring soon still counts as valid). */
export function inDate(cert: CertificateInfo, now: Date): boolean {
  const finding = dateFinding(cert, now, 0);
  return finding === undefined || finding.problem === 'expires-soon';
}
