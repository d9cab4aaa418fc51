/**
 * Outbox rows a force node has not yet published, read from its readiness endpoint (the outbox
 * check reports them whether it is up or down); -1 when the endpoint does not say.
 */
export async function outboxPending(httpUrl: string): Promise<number> {
  const res = await fetch(`${httpUrl}/health/ready`);
  const body = (await res.json()) as {
    info?: { outbox?: { pending: number } };
    error?: { outbox?: { pending: number } };
  };
  return body.info?.outbox?.pending ?? body.error?.outbox?.pending ?? -1;
}
