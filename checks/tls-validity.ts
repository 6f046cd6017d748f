import { diagnosisCheck } from './define.js';
import { validityVerdict } from './verdicts/validity.js';

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
    'served-out-of-date': 'The server sends an expired (or not yet valid) certificate that --ca holds a valid copy of: only clients with that copy connect',
    'not-seen': 'Not tested: the server\'s certificate could not be seen',
  },
  run({ serverChain }, { now, expiryWarnDays }) {
    return validityVerdict(serverChain, now, expiryWarnDays);
  },
});
