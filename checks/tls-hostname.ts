import { diagnosisCheck } from './define.js';
import { hostnameVerdict } from './verdicts/hostname.js';

export const tlsHostname = diagnosisCheck({
  id: 'tls.hostname',
  title: 'The certificate names the host',
  dependsOn: ['tcp.connect'],
  needs: ['serverChain'],
  run({ serverChain }, { host }) {
    return hostnameVerdict(serverChain, host);
  },
});
