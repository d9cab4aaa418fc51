import type { IncomingMessage } from 'node:http';
import { ProblemError, invalidRequest } from './problem';

/** The largest JSON body the API reads; a larger one is a 413 (nothing of it is parsed). */
export const JSON_BODY_LIMIT = 64 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** Strict UTF-8: a body that is not valid UTF-8 is refused, not patched with U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * Reads a request's JSON body, bounded: none → undefined; not JSON → 415; over `limit` bytes
 * (declared or sent) → 413; not UTF-8 or malformed → 400 naming `body`.
 */
export async function readJsonBody(
  req: IncomingMessage,
  limit = JSON_BODY_LIMIT,
): Promise<unknown> {
  if (!hasBody(req)) return undefined;
  if (!JSON_TYPE.test(req.headers['content-type'] ?? ''))
    throw new ProblemError(415, 'the body must be JSON (Content-Type: application/json)');
  // The connection is closed after a 413: what the client is still sending is not read.
  const tooLarge = () =>
    new ProblemError(413, `the body is larger than ${limit} bytes`, [], { Connection: 'close' });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks = await readBounded(req, limit, tooLarge);
  let text: string;
  try {
    // One decoder for every body: a decode without `stream` keeps nothing between calls.
    text = UTF8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  } catch {
    throw invalidRequest([{ field: 'body', message: 'is not valid UTF-8' }]);
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidRequest([{ field: 'body', message: 'is not well-formed JSON' }]);
  }
}

/** The body's bytes, or `tooLarge()` as soon as more than `limit` arrived (the rest discarded). */
function readBounded(
  req: IncomingMessage,
  limit: number,
  tooLarge: () => ProblemError,
): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.off('end', onEnd);
      req.resume();
      reject(tooLarge());
    };
    const onEnd = () => resolve(chunks);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}
