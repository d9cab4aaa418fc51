import { randomUUID } from 'node:crypto';

const ids = new WeakMap<object, string>();

/** The request's correlation id (logs and problem answers), made on first use. */
export function correlationIdOf(req: object): string {
  let id = ids.get(req);
  if (!id) {
    id = randomUUID();
    ids.set(req, id);
  }
  return id;
}
