// config.capath: a capath folder works only through `<subject hash>.N` names (what `openssl rehash`
// makes). A CA file dropped in without a rehash is invisible to OpenSSL, and clients or the bridge
// are then refused although the right CA sits in the folder.
import { tlsMaterial } from '../../src/config/lint-facts.js';
import { last } from '../../src/config/model.js';
import { at, bad, defineRule, ok, type LintFinding } from './define.js';

export const configCapath = defineRule({
  id: 'config.capath',
  title: 'capath folders are hashed (openssl rehash) so OpenSSL finds their CAs',
  codes: {
    ok: 'Every CA in the capath folder is reachable by its hash name',
    empty: 'The capath folder holds no CA certificate',
    'not-hashed': 'CA files in the capath folder have no hash links (a forgotten openssl rehash)',
    'stale-link': 'A hash link in the capath folder points at the wrong certificate',
    'dangling-link': 'A hash link in the capath folder points at nothing',
  },
  run({ configs, capaths }) {
    return configs.flatMap((model) =>
      tlsMaterial(model).flatMap(({ block, kind, capath }): LintFinding[] => {
        const folder = capath ? capaths[capath] : undefined;
        const entry = last(block, kind === 'bridge' ? 'bridge_capath' : 'capath');
        if (!folder || !entry || folder.error) return [];
        const fix = `Run \`openssl rehash ${folder.path}\` (or c_rehash ${folder.path}), then restart mosquitto.`;
        const evidence = { capath: folder.path, links: folder.links.map((l) => ({ ...l })), certificates: folder.certificates.map((c) => ({ ...c })) };
        const findings: LintFinding[] = [];
        const dangling = folder.links.filter((link) => link.dangling);
        const stale = folder.links.filter((link) => !link.dangling && !link.matches);
        const unlinked = folder.certificates.filter((cert) => !cert.linked);
        if (folder.certificates.length === 0 && folder.anchors.length === 0) {
          findings.push(bad('empty', at(entry), `${entry.key} ${folder.path} holds no CA certificate: OpenSSL can verify nothing against it`, 'Copy the CA certificate (lampi_ca.crt) into it and run `openssl rehash` on the folder, or use cafile for a single CA.', evidence));
        }
        if (unlinked.length > 0) {
          findings.push(
            bad(
              'not-hashed',
              at(entry),
              `${entry.key} ${folder.path}: ${unlinked.map((c) => `${c.file} (${c.subject})`).join(', ')} ha${unlinked.length === 1 ? 's' : 've'} no ${unlinked.map((c) => `${c.hash}.0`).join(', ')} link: OpenSSL looks CAs up by hash name only, so ${unlinked.length === 1 ? 'it is' : 'they are'} invisible (a forgotten openssl rehash)`,
              fix,
              evidence,
            ),
          );
        }
        if (stale.length > 0) {
          findings.push(bad('stale-link', at(entry), `${entry.key} ${folder.path}: ${stale.map((l) => `${l.name} holds ${l.subject ? `a certificate whose hash is not ${l.hash} (${l.subject})` : 'no certificate'}`).join(', ')}: OpenSSL looks in the wrong file (the CA changed since the last rehash)`, fix, evidence));
        }
        if (dangling.length > 0) {
          findings.push(bad('dangling-link', at(entry), `${entry.key} ${folder.path}: ${dangling.map((l) => l.name).join(', ')} point${dangling.length === 1 ? 's' : ''} at nothing (the CA file was moved or deleted)`, fix, evidence));
        }
        if (findings.length === 0) {
          findings.push(ok('ok', at(entry), `${entry.key} ${folder.path}: ${folder.anchors.length} CA${folder.anchors.length === 1 ? '' : 's'} reachable by hash name (${folder.links.map((l) => l.name).join(', ')})`, evidence));
        }
        return findings;
      }),
    );
  },
});
