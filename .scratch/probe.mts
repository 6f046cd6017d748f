import { startLab } from '/work/wt/grade/src/lab/lab.js';
import { attemptTls } from '/work/wt/grade/src/probes/tls-attempt.js';
import { readFileSync } from 'node:fs';
for (const scenario of ['client-cert-optional', 'healthy']) {
  const lab = await startLab({ scenario });
  try {
    for (let i = 0; i < 3; i++) {
      const a = await attemptTls({ address: lab.publicAddress, port: lab.ports.tls, servername: lab.fqdn, ca: readFileSync(lab.files.ca, 'utf8'), timeoutMs: 3000, peerChain: false });
      console.log(scenario, a.outcome, a.protocol, a.elapsedMs, a.alert?.description);
    }
  } finally { await lab.stop(); }
}
