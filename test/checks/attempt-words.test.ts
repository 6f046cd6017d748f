// Probes record how a TLS attempt ended (outcome, the library's message, the timeout, a peer that hung
// up); the words are the checks'. The evidence's message fields read as they did when the probe wrote them.
import { describe, expect, it } from 'vitest';
import { attemptMessage, clientAuthDetail, clientAuthEvidence, versionDetail } from '../../checks/verdicts/tls-facts.js';

describe('a TLS attempt in words', () => {
  it.each([
    [{ outcome: 'timeout', timeoutMs: 3000 }, 'no TLS answer within 3000 ms'],
    [{ outcome: 'timeout', timeoutMs: 3000, handshakeCompleted: true }, 'the handshake completed but the server sent no verdict'],
    [{ outcome: 'closed' }, 'the peer closed the connection'],
    [{ outcome: 'accepted', peerClosed: true }, 'the peer closed the connection'],
    [{ outcome: 'closed', message: 'socket hang up' }, 'socket hang up'],
    [{ outcome: 'oversized', message: 'error:0A000098:SSL routines::excessive message size' }, 'the handshake message is larger than OpenSSL accepts'],
    [{ cause: 'timeout', timeoutMs: 500 }, 'no TLS answer within 500 ms'],
    [{ outcome: 'accepted' }, undefined],
  ] as const)('%o -> %s', (attempt, words) => {
    expect(attemptMessage(attempt)).toBe(words);
  });

  it('keeps the evidence of a client-certificate attempt as it was', () => {
    const attempt = { accepted: null, outcome: 'timeout', handshakeCompleted: false, timeoutMs: 3000 } as const;
    expect(clientAuthEvidence(attempt)).toEqual({ accepted: null, outcome: 'timeout', protocol: undefined, alert: undefined, message: 'no TLS answer within 3000 ms', refusedAfterHandshake: undefined });
    expect(clientAuthDetail(attempt)).toBe('no TLS answer within 3000 ms');
    expect(versionDetail({ version: 'TLSv1.1', result: 'untested', outcome: 'timeout', handshakeCompleted: false, timeoutMs: 3000 })).toBe('no TLS answer within 3000 ms');
  });
});
