import { Agent, request, type OutgoingHttpHeaders } from 'node:http';

/** An HTTP answer the bench did not expect (a status of 400 or more). */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

/**
 * The bench's HTTP/1.1 client: keep-alive connections (one per user in flight, as a browser
 * keeps its connection to the API), JSON in and out, and nothing else, so that the client's own
 * cost is the same small part of every measured route.
 */
export class BenchHttpClient {
  private readonly agent: Agent;

  constructor(
    private readonly base: string,
    maxSockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** Sends the request; resolves with the parsed JSON answer, rejects on a status ≥ 400. */
  json<T>(
    method: 'GET' | 'POST',
    path: string,
    headers: OutgoingHttpHeaders = {},
    body?: unknown,
  ): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<T>((resolve, reject) => {
      const req = request(
        `${this.base}${path}`,
        {
          method,
          agent: this.agent,
          headers: {
            accept: 'application/json',
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': payload.length }
              : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status >= 400) return reject(new HttpStatusError(status, text));
            try {
              resolve(JSON.parse(text) as T);
            } catch (err) {
              reject(err instanceof Error ? err : new Error(String(err)));
            }
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
