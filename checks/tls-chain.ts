import { diagnosisCheck } from './define.js';
import { chainVerdict } from './verdicts/chain.js';

export const tlsChain = diagnosisCheck({
  id: 'tls.chain',
  title: 'The certificate chain verifies to the CA',
  dependsOn: ['tcp.connect'],
  needs: ['serverChain'],
  run({ serverChain }, { caPath }) {
    return chainVerdict(serverChain, caPath);
  },
});
