// Certificate generation for the lab, the tests and the throwaway-CA probe.
// reflect-metadata must be loaded before @peculiar/x509 (its DI container needs it).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { execFileSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle;

export type KeySpec =
  | { kind: 'ec'; curve?: 'P-256' | 'P-384' }
  | { kind: 'rsa'; bits: number };

export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-1';

export interface Issued {
  /** PEM of the certificate alone. */
  certPem: string;
  /** PKCS#8 PEM of the private key: written to lab files only, never printed. */
  keyPem: string;
  subject: string;
  keys: CryptoKeyPair;
  cert: x509.X509Certificate;
}

export interface IssueOptions {
  commonName: string;
  /** Issuer; omitted means self-signed. */
  issuer?: Issued;
  isCa?: boolean;
  dnsNames?: string[];
  ipAddresses?: string[];
  /** extendedKeyUsage: 'any' is anyExtendedKeyUsage alone, 'none' leaves the extension out. */
  usage?: 'server' | 'client' | 'both' | 'any' | 'none';
  /** keyUsage bits by name (critical); default digitalSignature + keyEncipherment. */
  keyUsage?: (keyof typeof x509.KeyUsageFlags)[];
  /** OID of an extra critical extension OpenSSL does not handle (a UTF8String value). */
  unhandledCriticalOid?: string;
  /** basicConstraints pathLenConstraint of a CA. */
  pathLength?: number;
  notBefore?: Date;
  notAfter?: Date;
  key?: KeySpec;
  /** An existing key pair instead of a fresh one: the same CA issued again (e.g. re-signed with another hash). */
  keys?: CryptoKeyPair;
  /** Hash of the signature made by the issuer (SHA-1 only for broken scenarios). */
  hash?: HashName;
  organization?: string;
}

const DAY_MS = 86_400_000;

function keyAlgorithm(spec: KeySpec, hash: HashName): RsaHashedKeyGenParams | EcKeyGenParams {
  if (spec.kind === 'rsa') {
    return { name: 'RSASSA-PKCS1-v1_5', modulusLength: spec.bits, publicExponent: new Uint8Array([1, 0, 1]), hash };
  }
  return { name: 'ECDSA', namedCurve: spec.curve ?? 'P-256' };
}

function signingAlgorithm(keys: CryptoKeyPair, hash: HashName): Algorithm {
  const name = keys.privateKey.algorithm.name;
  return name === 'ECDSA' ? ({ name, hash } as EcdsaParams) : ({ name, hash } as Algorithm);
}

async function generateKeys(spec: KeySpec, hash: HashName): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(keyAlgorithm(spec, hash), true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await subtle.exportKey('pkcs8', key));
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
}

function escapeDnValue(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1');
}

/** Issues one certificate (and its fresh key pair). */
export async function issue(options: IssueOptions): Promise<Issued> {
  const hash = options.hash ?? 'SHA-256';
  const keySpec = options.key ?? { kind: 'ec' };
  const keys = options.keys ?? (await generateKeys(keySpec, hash));
  // An empty commonName leaves the CN out (a certificate Mosquitto cannot take a username from).
  const organization = `O=${escapeDnValue(options.organization ?? 'LAMPI lab')}`;
  const subject = options.commonName ? `CN=${escapeDnValue(options.commonName)}, ${organization}` : organization;
  const now = Date.now();
  const notBefore = options.notBefore ?? new Date(now - DAY_MS);
  const notAfter = options.notAfter ?? new Date(now + 365 * DAY_MS);
  const extensions: x509.Extension[] = [];

  if (options.isCa) {
    extensions.push(new x509.BasicConstraintsExtension(true, options.pathLength, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  } else {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
    const keyUsage = options.keyUsage ? options.keyUsage.reduce((flags, name) => flags | x509.KeyUsageFlags[name], 0) : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment;
    extensions.push(new x509.KeyUsagesExtension(keyUsage, true));
    const usage = options.usage ?? 'server';
    const ekus: string[] = [];
    if (usage === 'server' || usage === 'both') ekus.push(x509.ExtendedKeyUsage.serverAuth);
    if (usage === 'client' || usage === 'both') ekus.push(x509.ExtendedKeyUsage.clientAuth);
    if (usage === 'any') ekus.push('2.5.29.37.0');
    if (usage !== 'none') extensions.push(new x509.ExtendedKeyUsageExtension(ekus, false));
  }
  const altNames: x509.JsonGeneralName[] = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (altNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(altNames, false));
  // DER UTF8String "hi", as `1.2.3.4.5=critical,ASN1:UTF8String:hi` in an openssl extension file.
  if (options.unhandledCriticalOid) extensions.push(new x509.Extension(options.unhandledCriticalOid, true, new Uint8Array([0x0c, 0x02, 0x68, 0x69])));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  if (options.issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(options.issuer.keys.publicKey));

  const serialNumber = Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1');
  const signer = options.issuer?.keys ?? keys;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber,
    subject,
    issuer: options.issuer?.subject ?? subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: signer.privateKey,
    signingAlgorithm: signingAlgorithm(signer, hash),
    extensions,
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await exportKeyPem(keys.privateKey), subject, keys, cert };
}

/**
 * A self-signed version 1 root, no extensions, as old guides make a CA (`openssl x509 -req -signkey`):
 * made by the openssl command itself, since the certificate library writes v3 only. Its key is used
 * here to sign and lives in a private temporary folder only while openssl runs.
 */
export async function issueV1Root(commonName: string): Promise<Issued> {
  const keys = await generateKeys({ kind: 'ec' }, 'SHA-256');
  const keyPem = await exportKeyPem(keys.privateKey);
  const dir = mkdtempSync(join(tmpdir(), 'lampi-v1-root-'));
  try {
    const keyFile = join(dir, 'root.key');
    writeFileSync(keyFile, keyPem, { mode: 0o600 });
    const request = execFileSync('openssl', ['req', '-new', '-key', keyFile, '-subj', `/CN=${commonName}/O=LAMPI lab`], { stdio: ['ignore', 'pipe', 'ignore'] });
    const certPem = execFileSync('openssl', ['x509', '-req', '-signkey', keyFile, '-days', '365', '-sha256'], { input: request, stdio: ['pipe', 'pipe', 'ignore'] }).toString();
    const subject = `CN=${escapeDnValue(commonName)}, O=LAMPI lab`;
    return { certPem, keyPem, subject, keys, cert: new x509.X509Certificate(certPem) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const days = (n: number): number => n * DAY_MS;

export interface CrlOptions {
  issuer: Issued;
  revoked?: Issued[];
  thisUpdate?: Date;
  nextUpdate?: Date;
  /** Sign with this CA's key while naming `issuer` (a CA re-made under the same name): a bad signature. */
  signer?: Issued;
}

/** A certificate revocation list signed by `issuer` (what a listener's `crlfile` holds). */
export async function issueCrl(options: CrlOptions): Promise<string> {
  const now = Date.now();
  const crl = await x509.X509CrlGenerator.create({
    issuer: options.issuer.subject,
    thisUpdate: options.thisUpdate ?? new Date(now - DAY_MS),
    nextUpdate: options.nextUpdate ?? new Date(now + 30 * DAY_MS),
    signingKey: (options.signer ?? options.issuer).keys.privateKey,
    signingAlgorithm: signingAlgorithm((options.signer ?? options.issuer).keys, 'SHA-256'),
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(options.issuer.keys.publicKey)],
    entries: (options.revoked ?? []).map((cert) => ({ serialNumber: cert.cert.serialNumber, revocationDate: new Date(now - DAY_MS) })),
  });
  // OpenSSL wants the X509 CRL label.
  return crl.toString('pem').replace(/-----(BEGIN|END) CRL-----/g, '-----$1 X509 CRL-----') + '\n';
}
