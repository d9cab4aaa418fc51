import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { PROBLEM_MEDIA_TYPE, problemOf, type ProblemStatus } from './problem';

/** The status a request Node's HTTP parser refused is answered with (as Node's default does). */
export function parserRefusalStatus(code: string | undefined): ProblemStatus {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/**
 * The HTTP server's `clientError` handler: a request that is not well-formed HTTP (a CR, LF or
 * NUL in a header, a folded header, headers past the size limit) never reaches the API's routes,
 * and Node would answer it with an empty body. It gets an RFC 9457 problem+json like every
 * other refusal instead, then the connection is closed. Nothing of the request is echoed; it is
 * not audited (no route, no caller: nothing was asked of the national index).
 */
export function answerMalformedRequest(err: { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = parserRefusalStatus(err.code);
  const body = JSON.stringify(
    problemOf(status, 'the request is not well-formed HTTP/1.1', randomUUID()),
  );
  socket.end(
    `HTTP/1.1 ${status} ${problemOf(status, '', '').title}\r\n` +
      `Content-Type: ${PROBLEM_MEDIA_TYPE}; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n' +
      body,
  );
}
