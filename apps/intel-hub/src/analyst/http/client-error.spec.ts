import { PassThrough } from 'node:stream';
import { answerMalformedRequest, parserRefusalStatus } from './client-error';

function answered(code: string | undefined): string {
  const socket = new PassThrough();
  const out: Buffer[] = [];
  socket.on('data', (c: Buffer) => out.push(c));
  answerMalformedRequest({ code }, socket);
  return Buffer.concat(out).toString('utf8');
}

describe('answerMalformedRequest (a request the HTTP parser refused)', () => {
  it('given a bad header character, then 400 problem+json and the connection closed', () => {
    const text = answered('HPE_INVALID_HEADER_TOKEN');
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text).toContain('Content-Type: application/problem+json; charset=utf-8\r\n');
    expect(text).toContain('Connection: close\r\n');
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'urn:intel:problem:invalid-request', status: 400 });
    expect(Buffer.byteLength(text.slice(text.indexOf('\r\n\r\n') + 4))).toBe(
      Number(/Content-Length: (\d+)/.exec(text)?.[1]),
    );
  });

  it('given headers over the limit or a timeout, then 431 or 408 as Node answers them', () => {
    expect(parserRefusalStatus('HPE_HEADER_OVERFLOW')).toBe(431);
    expect(parserRefusalStatus('ERR_HTTP_REQUEST_TIMEOUT')).toBe(408);
    expect(answered('HPE_HEADER_OVERFLOW')).toMatch(
      /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/,
    );
  });

  it('given a connection already reset, then nothing is written and the socket is destroyed', () => {
    const socket = new PassThrough();
    answerMalformedRequest({ code: 'ECONNRESET' }, socket);
    expect(socket.destroyed).toBe(true);
  });
});
