// A roster row that points a student at a lab, as a grader's CSV would.
import type { Lab } from '../../src/lab/lab.js';

export const ROSTER_HEADER = 'student,fqdn,port,wss_port,ca,cert,key,local,device_id,resolve';

export function labRosterRow(student: string, lab: Lab): string {
  return [student, lab.fqdn, lab.ports.tls, lab.ports.wss, lab.files.ca, lab.files.clientCert, lab.files.clientKey, `mqtt://127.0.0.1:${lab.ports.lampPlain}`, lab.deviceId, `${lab.fqdn}:${lab.publicAddress}`].join(',');
}
