import { diagnosisCheck } from './define.js';
import { validityVerdict } from './verdicts/validity.js';

// Kept for config lint, which imports these from here.
export { dateFinding, describeDateFinding, type DateFinding } from './verdicts/dates.js';

export const tlsValidity = diagnosisCheck({
  id: 'tls.validity',
  title: 'Certificates are within their dates',
  dependsOn: ['tcp.connect'],
  needs: ['serverChain'],
  run({ serverChain }, { now, expiryWarnDays }) {
    return validityVerdict(serverChain, now, expiryWarnDays);
  },
});
