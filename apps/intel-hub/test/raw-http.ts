import { connect } from 'node:net';

/** A request written byte for byte: what a hostile client can send that fetch would refuse to. */
export interface RawRequest {
  method: string;
  /** The request target as sent (not normalised, not encoded). */
  target: string;
  /** Header lines as sent; a value may hold any bytes (CR, LF, NUL ...). */
  headers: [string, string][];
  body?: Buffer;
  /** Content-Length to declare (default: the body's length; none without a body). */
  contentLength?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as text (chunked transfer decoded). */
  text: string;
}

/**
 * Sends one HTTP/1.1 request over its own connection (Connection: close) and reads the answer.
 * The server may answer before the body is all sent (413) and close: what was answered is kept.
 */
export function rawHttp(port: number, req: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  const body = req.body ?? Buffer.alloc(0);
  const length = req.contentLength ?? (req.body ? body.length : undefined);
  const head =
    `${req.method} ${req.target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n` +
    req.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') +
    (length !== undefined ? `Content-Length: ${length}\r\n` : '') +
    '\r\n';
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${req.method} ${req.target}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', finish);
    // EPIPE/ECONNRESET once the server has answered and closed (a 413 mid-body): keep the answer.
    socket.on('error', (err) => (chunks.length ? finish() : reject(err)));
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  });
}

function parseResponse(raw: Buffer): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`not an HTTP response: ${JSON.stringify(raw.toString('latin1'))}`);
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  return { status, headers, text: body.toString('utf8') };
}

function dechunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', i);
    if (eol < 0) break;
    const size = parseInt(b.subarray(i, eol).toString('latin1'), 16);
    if (!size) break;
    out.push(b.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}
