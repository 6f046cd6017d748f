import { diagnosisCheck } from './define.js';
import { HOSTNAME_CODES, hostnameVerdict } from './verdicts/hostname.js';

export const tlsHostname = diagnosisCheck({
  id: 'tls.hostname',
  title: 'The certificate names the host',
  dependsOn: ['tcp.connect'],
  needs: ['serverChain'],
  codes: HOSTNAME_CODES,
  run({ serverChain }, { host }) {
    return hostnameVerdict(serverChain, host);
  },
});
