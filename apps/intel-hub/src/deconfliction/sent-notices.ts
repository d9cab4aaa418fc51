/**
 * Which notices one watch has sent, kept only as long as a page still to be processed could
 * hold one again. A page of notices is "opened" when its fetch begins (a listener's push: when
 * it is pushed) and "closed" once processed. A notice is marked delivered in the database before
 * it is sent, so a page opened after a notice was sent cannot hold it (the poll reads undelivered
 * notices; a push happens when a notice is audited, before any delivery); a notice is forgotten
 * once every page opened before it was sent is closed. The set stays as small as the pages in
 * flight, however long the watch lives. Pure.
 */
export class SentNotices {
  private nextTicket = 0;
  private readonly open = new Set<number>();
  /** Notice id → the ticket count when it was sent: pages with a lower ticket may still hold it. */
  private readonly sent = new Map<string, number>();

  /** A page's fetch begins (or a notice is pushed): its ticket, to close it with. */
  begin(): number {
    const t = this.nextTicket++;
    this.open.add(t);
    return t;
  }

  /** Whether a notice has been sent and may still come again. */
  has(noticeId: string): boolean {
    return this.sent.has(noticeId);
  }

  /** A notice was sent (after it was marked delivered). */
  sentNow(noticeId: string): void {
    this.sent.set(noticeId, this.nextTicket);
  }

  /** A page is processed: notices no open page can hold any more are forgotten. */
  end(ticket: number): void {
    this.open.delete(ticket);
    let oldest = this.nextTicket;
    for (const t of this.open) if (t < oldest) oldest = t;
    for (const [id, at] of this.sent) if (at <= oldest) this.sent.delete(id);
  }

  /** How many sent notices are remembered. */
  get size(): number {
    return this.sent.size;
  }
}
