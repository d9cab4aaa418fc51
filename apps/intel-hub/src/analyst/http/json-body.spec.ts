import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { ProblemError } from './problem';
import { readJsonBody } from './json-body';

function request(body: string | Buffer, headers: Record<string, string> = {}): IncomingMessage {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  const r = Readable.from([buf]) as unknown as IncomingMessage;
  r.headers = {
    'content-type': 'application/json',
    'content-length': String(buf.length),
    ...headers,
  };
  return r;
}

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProblemError) return err.status;
    throw err;
  }
  return 200;
}

describe('bounded JSON body', () => {
  it('given JSON, then it is parsed', async () => {
    await expect(readJsonBody(request('{"a":[1,"é"]}'))).resolves.toEqual({ a: [1, 'é'] });
  });

  it('given no body, then undefined', async () => {
    await expect(readJsonBody(request('', { 'content-length': '0' }))).resolves.toBeUndefined();
  });

  it('given malformed JSON or invalid UTF-8, then 400 naming body', async () => {
    expect(await status(readJsonBody(request('{"a":')))).toBe(400);
    expect(await status(readJsonBody(request(Buffer.from([0x7b, 0xff, 0x7d]))))).toBe(400);
  });

  it('given a body over the limit, declared or not, then 413', async () => {
    expect(await status(readJsonBody(request('{"a":"xxxxxxxx"}'), 8))).toBe(413);
    expect(
      await status(
        readJsonBody(
          request('{"a":"xxxxxxxx"}', { 'content-length': '', 'transfer-encoding': 'chunked' }),
          8,
        ),
      ),
    ).toBe(413);
  });

  it('given another media type, then 415', async () => {
    expect(await status(readJsonBody(request('a=1', { 'content-type': 'text/plain' })))).toBe(415);
    await expect(
      readJsonBody(request('{}', { 'content-type': 'application/json; charset=utf-8' })),
    ).resolves.toEqual({});
  });
});
