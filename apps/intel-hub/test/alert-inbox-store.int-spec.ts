import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { inTransaction } from '@intel/db';
import { AlertPriority, AlertType, FlagType, timestampFromDate } from '@intel/contracts';
import { ImmediateAlertsRepository } from '../src/alerts/immediate-alerts.repository';
import type { AlertDraft } from '../src/alerts/alert-plan';
import { AlertInboxService } from '../src/analyst/alerts/alert-inbox.service';
import { InvalidCursorError } from '../src/analyst/paging/keyset-cursor';
import { NationalStoreRepository } from '../src/resolution/national-store.repository';
import { hubDatabase } from './hub-database.fixture';

// A force's alerts inbox on the real PostgreSQL, as the hub's own role: newest first, paged,
// the unacknowledged only, and acknowledgement once, by the recipient force only.
describe('AlertInboxService (integration: real PostgreSQL, the hub role)', () => {
  const hub = hubDatabase('it_alert_inbox');
  const db = hub.database;
  const store = new NationalStoreRepository();
  let app: DataSource;
  let inbox: AlertInboxService;
  const person = randomUUID();
  const ids: string[] = [];

  const draft = (recipient: string, i: number): AlertDraft => ({
    alertType: AlertType.ALERT_TYPE_QUERY_ON_FLAGGED_PERSON,
    recipientForceCode: recipient,
    nationalPersonId: person,
    flags: [FlagType.FLAG_TYPE_REPEAT_OFFENDER],
    summary: `Force 46 consulted the national index (CheckPerson) about national person ${person} (${i}).`,
    records: [],
    raisedAt: timestampFromDate(new Date(Date.UTC(2026, 0, 5, 9, 0, i))),
    immediateRiskToChild: false,
  });

  beforeAll(async () => {
    await hub.provision();
    app = new DataSource({ type: 'postgres', url: db.appUrl, extra: { max: 6 } });
    await app.initialize();
    inbox = new AlertInboxService(app);
    for (let i = 0; i < 12; i++) {
      const [mine] = await store.insertAlerts(app, [draft('36', i), draft('01', i)], '46');
      ids.push(mine!.alertId);
    }
  });
  afterAll(async () => {
    await app?.destroy();
    await hub.drop();
  });

  it('given a force, then its alerts only, newest first, in pages without gap or repeat', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await inbox.list('36', { limit: 5, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((a) => a.alertId));
      expect(page.items.every((a) => a.nationalPersonId === person)).toBe(true);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([...ids].reverse());
    await expect(inbox.list('36', { cursor: 'eA' })).rejects.toThrow(InvalidCursorError);
  });

  it('acknowledges once: the first stands, a repeat changes nothing, another force finds nothing', async () => {
    const id = ids[3]!;
    const first = await inbox.acknowledge('36', id, { sub: 'u-36', name: 'DS Bea Cole' });
    expect(first).toMatchObject({
      acknowledgedNow: true,
      alert: { alertId: id, acknowledged: { sub: 'u-36', name: 'DS Bea Cole' } },
    });
    const again = await inbox.acknowledge('36', id, { sub: 'u-36b', name: 'PC Other' });
    expect(again).toMatchObject({
      acknowledgedNow: false,
      alert: { acknowledged: first!.alert.acknowledged },
    });
    expect(await inbox.acknowledge('01', id, { sub: 'u-01', name: 'Met analyst' })).toBeUndefined();
    expect(await inbox.acknowledge('36', '999999999', { sub: 'u-36', name: 'x' })).toBeUndefined();
    expect(
      await inbox.acknowledge('36', "1' OR '1'='1", { sub: 'u-36', name: 'x' }),
    ).toBeUndefined();

    const open = await inbox.list('36', { unacknowledged: true, limit: 200 });
    expect(open.items.map((a) => a.alertId)).not.toContain(id);
    expect(open.items).toHaveLength(11);
    const listed = (await inbox.list('36', { limit: 200 })).items.find((a) => a.alertId === id);
    expect(listed?.acknowledged).toEqual(first!.alert.acknowledged);
  });

  it('given acknowledgements racing, then exactly one is recorded and all answer with it', async () => {
    const id = ids[7]!;
    const all = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        inbox.acknowledge('36', id, { sub: `u-${i}`, name: `User ${i}` }),
      ),
    );
    expect(all.filter((a) => a?.acknowledgedNow)).toHaveLength(1);
    expect(new Set(all.map((a) => JSON.stringify(a?.alert.acknowledged))).size).toBe(1);
  });

  it('an IMMEDIATE alert acknowledged in the inbox is no longer due for escalation, and is counted once', async () => {
    const immediate = new ImmediateAlertsRepository();
    const overdue = new Date(Date.now() - 60_000);
    const [alert] = await store.insertAlerts(app, [
      {
        ...draft('36', 99),
        alertType: AlertType.ALERT_TYPE_IMMEDIATE_RISK_TO_CHILD,
        immediateRiskToChild: true,
        priority: AlertPriority.ALERT_PRIORITY_IMMEDIATE,
        acknowledgeBy: timestampFromDate(overdue),
      },
    ]);
    const id = alert!.alertId;
    expect((await immediate.due(app, 1000)).map((d) => d.id)).toContain(id);
    const listed = (await inbox.list('36', { unacknowledged: true })).items.find(
      (a) => a.alertId === id,
    );
    expect(listed).toMatchObject({ priority: 'IMMEDIATE', acknowledgeBy: overdue.toISOString() });

    await inbox.acknowledge('36', id, { sub: 'analyst-sub-1', name: 'DC 12 Sam Rowe' });
    expect((await immediate.due(app, 1000)).map((d) => d.id)).not.toContain(id);
    const counted = await immediate.countAcks(app, 1000);
    expect(counted.filter((c) => c.alertId === id)).toEqual([
      expect.objectContaining({ acknowledgedBy: 'analyst-sub-1' }),
    ]);
    expect((await immediate.countAcks(app, 1000)).some((c) => c.alertId === id)).toBe(false);
  });

  it("the relay's mark commits without a flush of its own, in its own transaction only", async () => {
    // One connection, so the statement after the relay's transaction runs where it ran.
    const one = new DataSource({ type: 'postgres', url: db.appUrl, extra: { max: 1 } });
    await one.initialize();
    try {
      const [alert] = await store.insertAlerts(one, [draft('36', 60)], '46');
      const syncCommit = async (query: (sql: string) => Promise<unknown>) =>
        ((await query(`SELECT current_setting('synchronous_commit') AS s`)) as { s: string }[])[0]
          ?.s;
      const inRound = await inTransaction(one, async (tx) => {
        const claimed = await store.unpublishedAlerts(tx, 500);
        expect(claimed.map((c) => c.id)).toContain(alert!.alertId);
        await store.markPublished(
          tx,
          claimed.map((c) => c.id),
        );
        return syncCommit((sql) => tx.query(sql));
      });
      expect(inRound).toBe('off');
      // The mark committed, and the connection's next transaction is durable again.
      expect(await syncCommit((sql) => one.query(sql))).toBe('on');
      await inTransaction(one, async (tx) => {
        expect((await store.unpublishedAlerts(tx, 500)).map((c) => c.id)).not.toContain(
          alert!.alertId,
        );
      });
    } finally {
      await one.destroy();
    }
  });
});
