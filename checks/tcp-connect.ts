import { diagnosisCheck, fail, pass } from './define.js';

export const tcpConnect = diagnosisCheck({
  id: 'tcp.connect',
  title: 'The TLS port accepts TCP connections',
  dependsOn: ['dns.resolve'],
  needs: ['tcp', 'resolution'],
  codes: {
    ok: 'The TLS port accepts TCP connections',
    refused: 'The connection is refused: nothing listens on the port',
    timeout: 'No answer: a firewall or security group drops the traffic',
    unreachable: 'No route to the address',
    'no-address': 'There is no address to connect to',
    'connect-error': 'Connecting failed for another reason',
  },
  run({ tcp, resolution }, { port }) {
    const where = `${tcp.address}:${port}`;
    const evidence = { address: tcp.address, port, outcome: tcp.outcome, errorCode: tcp.errorCode, elapsedMs: tcp.elapsedMs };
    switch (tcp.outcome) {
      case 'connected':
        return pass(`${where} accepts TCP connections (${tcp.elapsedMs} ms)`, evidence, 'ok');
      case 'refused':
        return fail(
          `${where} refused the connection: nothing listens on port ${port}`,
          // 0.0.0.0 is IPv4 only: an IPv6 address needs a listener without an address (both families) or `::`.
          tcp.address?.includes(':')
            ? `${where} is an IPv6 address, and \`listener ${port} 0.0.0.0\` listens on IPv4 only: write \`listener ${port}\` (no address: IPv4 and IPv6) or add \`listener ${port} ::\`, with its cafile/certfile/keyfile, in the broker's config (e.g. /etc/mosquitto/conf.d/port.conf) and restart mosquitto; or dial its IPv4 address. If such a listener is there, mosquitto failed to start: \`sudo systemctl status mosquitto\`.`
            : `Add \`listener ${port} 0.0.0.0\` with its cafile/certfile/keyfile to the broker's config (e.g. /etc/mosquitto/conf.d/port.conf) and restart mosquitto; if it is there, mosquitto failed to start: \`sudo systemctl status mosquitto\`.`,
          evidence,
          'refused',
        );
      case 'timeout':
        return fail(
          `${where}: no answer within ${tcp.timeoutMs ?? tcp.elapsedMs} ms: a firewall or cloud security group drops the traffic`,
          `Allow inbound TCP ${port} in the cloud security group and the host firewall (e.g. \`sudo ufw allow ${port}/tcp\`).`,
          evidence,
          'timeout',
        );
      case 'unreachable':
        return fail(
          `${where} is unreachable (${tcp.errorCode}): no route to that address`,
          'Check that the name resolves to the broker\'s current public address (cloud instances change address when restarted) and that this machine has a route to it.',
          evidence,
          'unreachable',
        );
      case 'no-address':
        return fail(
          `there is no address to connect to: ${resolution.host} does not resolve (${resolution.errorCode ?? 'no addresses'})`,
          `Fix name resolution first (see dns.resolve), or give the address with --resolve ${resolution.host}:ADDRESS.`,
          evidence,
          'no-address',
        );
      default:
        return fail(`connecting to ${where} failed: ${tcp.message ?? tcp.errorCode}`, 'Check the address and port.', evidence, 'connect-error');
    }
  },
});
