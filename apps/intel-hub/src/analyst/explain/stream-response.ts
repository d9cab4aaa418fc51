import type { ServerResponse } from 'node:http';

/**
 * Writes chunks to the response as they are produced, waiting for the socket to drain when it
 * is full, and ends it; a client gone away stops the writing.
 */
export async function streamChunks(res: ServerResponse, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) await drained(res);
  }
  if (!res.destroyed) res.end();
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
