import { diagnosisCheck } from './define.js';
import { CHAIN_CODES, chainVerdict } from './verdicts/chain.js';

export const tlsChain = diagnosisCheck({
  id: 'tls.chain',
  title: 'The certificate chain verifies to the CA',
  dependsOn: ['tcp.connect'],
  needs: ['serverChain'],
  codes: CHAIN_CODES,
  run({ serverChain }, { caPath }) {
    return chainVerdict(serverChain, caPath);
  },
});
