// The dates of the server's chain, shared by tls.validity and wss.handshake.
import type { Outcome } from '../../src/engine/types.js';
import { chainUnavailableReason } from './tls-facts.js';
import type { ServerChainFacts } from '../../src/facts.js';
import { DAY_MS, fail, isoDay, pass, skip, warn } from '../define.js';
import { dateFinding, describeDateFinding, type DateFinding } from './dates.js';

/** OpenSSL's words for a chain certificate out of its dates (verify errors 10 and 9). */
const OPENSSL_REFUSAL = { expired: 'certificate has expired', 'not-yet-valid': 'certificate is not yet valid', 'expires-soon': '' } as const;

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
    // How the summaries and fixes name --ca, the file a copy or root out of its dates sits in.
    const where = serverChain.caFile ? `--ca ${serverChain.caFile.path}` : '--ca';
    const expired = findings.filter((finding) => finding.problem === 'expired');
    const early = findings.filter((finding) => finding.problem === 'not-yet-valid');
    if (expired.length > 0) {
      return fail(
        expired.map((finding) => describeDateFinding(finding) + expiredWhere(finding, certs, where)).join('; '),
        expiredHint(expired, certs, serverChain, where),
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
    const stale = servedOutOfDate(serverChain, now);
    if (stale) {
      const { entry, finding } = stale;
      return warn(
        `the server sends ${describeDateFinding(finding)}; ${where} holds a copy with the same name and key, valid until ${isoDay(entry.notAfter)}, which OpenSSL verifies through instead: you connect, but clients that trust only the root refuse the broker (${OPENSSL_REFUSAL[finding.problem]})`,
        `Send the renewed certificate: in the file \`certfile\` names, replace the ${entry.subject} block after the server certificate with the copy from ${where} (e.g. \`cat server.crt renewed-intermediate.crt > certfile\`), and restart mosquitto. Until then only clients whose CA file holds the renewal connect: a lamp whose bridge_cafile holds the root alone does not.`,
        { ...evidence, servedCopies: serverChain.certificates.filter((cert) => cert.servedDates).map((cert) => ({ subject: cert.subject, fingerprint256: cert.servedInstead, ...cert.servedDates })) },
        'served-out-of-date',
      );
    }
    if (findings.length > 0) {
      return warn(
        findings.map(describeDateFinding).join('; '),
        expiresSoonHint(findings, certs, where, expiryWarnDays),
        evidence,
        'expires-soon',
      );
    }
    const leaf = certs[0];
    const daysLeft = Math.floor((Date.parse(leaf.notAfter) - now.getTime()) / DAY_MS);
    return pass(`server certificate valid until ${isoDay(leaf.notAfter)} (${daysLeft} days); all ${certs.length} in the chain are within their dates`, evidence, 'ok');
}

/**
 * What to renew depends on which certificate lapses: a new leaf under a root that lapses changes
 * nothing. A CA is renewed with its own key and name (checked with openssl verify: the certificates
 * it issued verify against the renewal), and the renewal goes wherever the old one is trusted or sent.
 */
function expiresSoonHint(findings: DateFinding[], certs: ServerChainFacts['certificates'], where: string, expiryWarnDays: number): string {
  const entryOf = (finding: DateFinding) => certs.find((cert) => cert.subject === finding.subject);
  const setting = `(--expiry-warn-days ${expiryWarnDays} sets this warning)`;
  const fixes = findings.map((finding) => {
    const entry = entryOf(finding);
    if (entry && entry.depth > 0 && entry.selfIssued) {
      return `Renew the root CA ${entry.subject} with its own key, keeping its name and extensions (\`openssl x509 -in lampi_ca.crt -signkey lampi_ca.key -days 3650 -out lampi_ca-renewed.crt\`): the certificates it issued stay valid under the renewal. Give the renewed root to every client before the old one lapses: ${where}, the lamp's bridge_cafile, the listeners' cafile, browsers; the broker's certfile needs no change${entry.inCaFile ? '' : ' unless it sends the root along (then replace that block too)'}.`;
    }
    if (entry && entry.depth > 0) {
      return `Renew the intermediate CA ${entry.subject} with its own key (\`openssl x509 -req -in intermediate.csr -CA lampi_ca.crt -CAkey lampi_ca.key -days 1825 -extfile ca.ext -out intermediate-renewed.crt\`, ca.ext: basicConstraints = critical, CA:TRUE), then replace its block after the server certificate in the file \`certfile\` names${entry.inCaFile ? ` and its copy in ${where}` : ''}, and restart mosquitto.`;
    }
    return 'Renew the server certificate before it lapses: re-issue with openssl x509 -req ... -days 365 and replace the file `certfile` names, then restart mosquitto.';
  });
  return `${[...new Set(fixes)].join(' ')} ${setting}`;
}

/**
 * A certificate the server sends that is out of its dates while --ca's copy of it (same subject,
 * issuer and key) is not: OpenSSL verifies through the copy, so only clients holding it connect.
 */
function servedOutOfDate(serverChain: ServerChainFacts, now: Date): { entry: ServerChainFacts['certificates'][number]; finding: DateFinding } | undefined {
  for (const entry of serverChain.certificates) {
    if (!entry.servedDates) continue;
    const finding = dateFinding({ ...entry, ...entry.servedDates }, now, 0);
    if (finding && finding.problem !== 'expires-soon') return { entry, finding };
  }
  return undefined;
}

type Entry = ServerChainFacts['certificates'][number];

const entryOf = (finding: DateFinding, certs: Entry[]): Entry | undefined => certs.find((cert) => cert.subject === finding.subject && cert.notAfter === finding.date);

/** Where an expired certificate of the verified chain comes from, when not from the server. */
function expiredWhere(finding: DateFinding, certs: Entry[], where: string): string {
  const entry = entryOf(finding, certs);
  if (entry?.servedInstead) return ` (the copy in ${where}; the server sends one ${entry.servedDates ? `valid until ${isoDay(entry.servedDates.notAfter)}` : 'of its own'})`;
  if (entry?.inCaFile) return ` (in ${where})`;
  return '';
}

/**
 * The fix for an expired certificate follows where it is. A copy in --ca that OpenSSL verifies through
 * (it looks in its CA file first) while the server sends a valid one: the CA file is what to change. A
 * root in --ca that issued the chain: the chain must come from the CA in use, or that root be renewed.
 * Anything the server sends: re-issue it on the broker.
 */
function expiredHint(expired: DateFinding[], certs: Entry[], serverChain: ServerChainFacts, where: string): string {
  const entries = expired.map((finding) => entryOf(finding, certs));
  const servedValid = (entry: Entry | undefined) => entry?.servedInstead && (!entry.servedDates || Date.parse(entry.servedDates.notAfter) > Date.parse(entry.notAfter));
  if (entries.length > 0 && entries.every(servedValid)) {
    const subject = entries[0]!.subject;
    return `Take the expired copy of ${subject} out of the CA file (${where}; the root alone is enough) or replace it with the one the server sends, in every client's CA file too; the broker needs no change. OpenSSL looks in its CA file first and uses the copy found there. \`openssl storeutl -noout -text -certs FILE | grep -E 'Subject:|Not After'\` shows which certificate it is.`;
  }
  const root = entries.find((entry) => entry?.inCaFile && entry.selfIssued && !entry.servedInstead);
  if (root && entries.length === 1) {
    const newer = serverChain.caFile?.certificates.find((ca) => ca.subject === root.subject && ca.fingerprint256 !== root.fingerprint256 && Date.parse(ca.notAfter) > Date.parse(root.notAfter));
    if (newer) {
      return `The chain was issued by the old ${root.subject}, which expired; ${where} also holds a newer CA of that name (until ${isoDay(newer.notAfter)}) that did not issue it. Issue the server certificate (and any intermediate) again from the new CA, point \`certfile\` at it and restart mosquitto; then the old root can leave the CA file.`;
    }
    return `The root CA in ${where} has expired, and every certificate it issued fails with it. Renew the root with its own key and name (\`openssl req -x509 -new -key lampi_ca.key -subj '/CN=…/O=…' -days 3650 -out lampi_ca.crt\`, the subject exactly as before: ${root.subject}), so the certificates it issued stay valid, and give the renewed root to every client: --ca, the lamp's bridge_cafile, browsers. The broker's certfile needs no change.`;
  }
  return 'Re-issue the expired certificate (openssl x509 -req ... -days 365), install it where `certfile` (or `cafile`) points, and restart mosquitto.';
}
