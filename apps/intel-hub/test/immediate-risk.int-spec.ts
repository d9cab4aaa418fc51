/* eslint-disable @typescript-eslint/no-explicit-any -- audit rows are JSON read back for assertions */
import { randomUUID } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import { Client } from 'pg';
import {
  AlertPriority,
  AlertType,
  PurposeCode,
  SubjectRole,
  type Alert,
  type BatchItem,
} from '@intel/contracts';
import { withDatabase } from '@intel/db';
import { TOPICS, alertTopic } from '@intel/kafka';
import { incidentRecord, personRecord, pncId, readTopic, waitFor } from '@intel/testing';
import { ForceNodeHarness } from '../../force-node/test/force-node.harness';
import { HubHarness } from './hub.harness';

const ACK_MS = 8000;
const BULK = 3000;

// The immediate-risk fast path on the real stack (issue #13): two force nodes and the hub as
// their own processes, real PostgreSQL and Kafka. Kent queues a bulk import of several thousand
// person records (its relay slowed to small transactions, the hub to small batches, so a
// backlog stands at both), then reports an incident with immediate risk to a child naming a
// man Norfolk holds as a registered sex offender. The IMMEDIATE alert must overtake the
// backlog at the force node and at the hub, reach Norfolk's alert topic, escalate when nobody
// acknowledges it in time, and not escalate when somebody does; every step audited.
describe('immediate risk to a child: the priority lane (integration)', () => {
  const norfolk = new ForceNodeHarness('36');
  const kent = new ForceNodeHarness('46', { OUTBOX_BATCH_SIZE: '10', OUTBOX_POLL_MS: '20' });
  const hub = new HubHarness('it_imm', 'immediate', {
    HUB_IMMEDIATE_ACK_MS: String(ACK_MS),
    HUB_ESCALATION_POLL_MS: '200',
    HUB_BATCH_SIZE: '100',
    HUB_RESOLUTION_BATCH: '50',
  });
  let kentDb: Client;
  const tag = randomUUID().slice(0, 8);
  const serial = 100_000 + Math.floor(Math.random() * 800_000);
  const dob = { year: 1975, month: 4, day: 9 };
  const justification = {
    purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
    reason: 'Immediate risk to a child: duty officer acknowledging the alert',
    operationRef: '',
  };
  const man = (sourceRecordId: string, registered: boolean) =>
    personRecord({
      sourceRecordId,
      names: [
        {
          given: ['Gareth'],
          family: `Pryce${tag.replace(/\d/g, 'x')}`,
          type: 'NAME_TYPE_BIRTH' as never,
        },
      ],
      dateOfBirth: dob,
      identifiers: [{ scheme: 'IDENTIFIER_SCHEME_PNC' as never, value: pncId(1975, serial) }],
      registration: registered
        ? {
            active: true,
            managingForce: '36',
            startDate: { year: 2020, month: 1, day: 1 },
            endDate: undefined,
            visorRef: `V${serial}`,
          }
        : undefined,
      subjectCategory: 'SUBJECT_CATEGORY_CONVICTED' as never,
    });
  const riskIncident = (id: string, subject: string) =>
    incidentRecord({
      sourceRecordId: id,
      subjects: [
        {
          personSourceSystem: '',
          personSourceRecordId: subject,
          role: SubjectRole.SUBJECT_ROLE_SUSPECT,
        },
      ],
      immediateRiskToChild: true,
    });

  let personId = '';
  let firstAlert: Alert | undefined;
  /** When the hub was stopped and started again (the second test). */
  const restart = { stoppedAt: new Date(0), startedAt: new Date(0) };

  beforeAll(async () => {
    await Promise.all([norfolk.start(), kent.start(), hub.start()]);
    kentDb = new Client({ connectionString: withDatabase(kent.infra.databaseUrl, kent.dbName) });
    await kentDb.connect();
  });
  afterAll(async () => {
    await kentDb?.end();
    await hub.stop();
    await Promise.all([norfolk.stop(), kent.stop()]);
  });

  const alertsOn36 = (until: (a: Alert[]) => boolean, timeoutMs = 60_000) =>
    readTopic(hub.infra.kafkaBrokers, alertTopic('36'), {
      timeoutMs,
      until: (msgs) => until(msgs.flatMap((m) => (m.envelope?.alert ? [m.envelope.alert] : []))),
    }).then((msgs) => msgs.flatMap((m) => (m.envelope?.alert ? [m.envelope.alert] : [])));

  const auditActions = async (): Promise<Array<{ action: string; response: any }>> =>
    (
      await hub.db.query<{ action: string; response: any }>(
        `SELECT action, response FROM audit_log WHERE action LIKE 'ImmediateAlert.%' OR action = 'AcknowledgeAlert' ORDER BY seq`,
      )
    ).rows;

  const GIVEN = ['Alan', 'Brian', 'Carl', 'Dean', 'Errol', 'Frank', 'Gavin', 'Harvey', 'Ian'];
  const FAMILY = ['Morgan', 'Hughes', 'Price', 'Lloyd', 'Evans', 'Bevan', 'Rees', 'Powell'];
  /** a, b, …, z, aa, ab, …: short, distinct name suffixes (names are compared without digits). */
  const letters = (i: number): string => {
    let out = '';
    for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26))
      out = String.fromCharCode(97 + ((n - 1) % 26)) + out;
    return out;
  };
  /**
   * Distinct people, each with a PNC ID of its own: a bulk import of n new nominals. Names
   * differ early and dates of birth are spread, as in the benches' fixtures: look-alike names
   * would make every record a candidate of every other and slow every hub reading the topic.
   */
  const bulkItems = (batch: string, n: number): BatchItem[] =>
    Array.from({ length: n }, (_, k) => {
      const i = (batch === 'A' ? 0 : BULK) + k;
      return {
        person: personRecord({
          sourceRecordId: `bulk-${batch}-${tag}-${k}`,
          names: [
            {
              given: [GIVEN[(i >> 3) % GIVEN.length]!],
              family: `${FAMILY[i % FAMILY.length]!}${letters(i)}`,
              type: 'NAME_TYPE_BIRTH' as never,
            },
          ],
          dateOfBirth: {
            year: 1940 + ((i * 7) % 60),
            month: 1 + ((i * 5) % 12),
            day: 1 + ((i * 11) % 28),
          },
          identifiers: [
            {
              scheme: 'IDENTIFIER_SCHEME_PNC' as never,
              value: pncId(2001 + (i % 9), (serial * 13 + i * 7919) % 9_999_999),
            },
          ],
        }),
        incident: undefined,
      };
    });

  /** The IMMEDIATE alert to Norfolk reporting this incident, once it is on Norfolk's topic. */
  const immediateAlertFor = async (incidentId: string): Promise<Alert> => {
    const alerts = await alertsOn36((a) =>
      a.some(
        (x) =>
          x.priority === AlertPriority.ALERT_PRIORITY_IMMEDIATE &&
          x.records.some((r) => r.id === incidentId),
      ),
    );
    return alerts.find((x) => x.records.some((r) => r.id === incidentId))!;
  };

  /** Kent's live nominals (this run's: the topics hold earlier runs' too) not yet in a person at the hub. */
  const unresolvedKent = async (): Promise<number> => {
    const { rows: live } = await kentDb.query<{ id: string }>(
      `SELECT id::text FROM nominal WHERE withdrawn_at IS NULL AND merged_into IS NULL`,
    );
    const { rows } = await hub.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM person_member WHERE force_code = '46' AND nominal_id = ANY($1)`,
      [live.map((r) => r.id)],
    );
    return live.length - Number(rows[0]!.n);
  };

  it('overtakes a bulk import queued at the force node, and reaches the holding force at once', async () => {
    // Norfolk holds the man as a registered sex offender (managing force 36).
    const nf = await norfolk.client.submitPerson(man(`nf-${tag}`, true));
    await hub.personOf([['36', nf.nominalId]]);

    // Kent: a bulk import of BULK person records, all committed before the incident; Kent's
    // relay publishes ten rows a transaction, so most are still queued in its outbox.
    const summary = await kent.client.submitBatch(bulkItems('A', BULK));
    expect(summary.rejected).toBe(0);
    const queuedAtIncident = await kent.pending();
    expect(queuedAtIncident).toBeGreaterThan(100);

    // Kent's own record of the man, and the incident: immediate risk to a child.
    const submitted = Date.now();
    await kent.client.submitPerson(man(`kt-${tag}`, false));
    const inc = await kent.client.submitIncident(riskIncident(`kt-inc-${tag}`, `kt-${tag}`));
    firstAlert = await immediateAlertFor(inc.incidentId);
    const arrived = Date.now();
    expect(firstAlert.immediateRiskToChild).toBe(true);
    expect(firstAlert.acknowledgeBy).toBeDefined();
    personId = firstAlert.nationalPersonId;

    // Bulk rows queued before the incident were published after its priority copies.
    const { rows: order } = await kentDb.query<{ overtaken: string; copies: string }>(
      `WITH p AS (SELECT min(id) AS first_id, max(published_at) AS at FROM outbox
                  WHERE topic = $1)
       SELECT (SELECT count(*) FROM outbox o, p WHERE o.topic = $2 AND o.id < p.first_id
                 AND (o.published_at IS NULL OR o.published_at > p.at)) AS overtaken,
              (SELECT count(*) FROM outbox WHERE topic = $1) AS copies`,
      [TOPICS.priority, TOPICS.person],
    );
    expect(Number(order[0]!.copies)).toBe(2); // the subject's state and the incident
    expect(Number(order[0]!.overtaken)).toBeGreaterThan(BULK / 2);
    console.log(
      JSON.stringify({
        lane: 'force node',
        bulk: BULK,
        kentOutboxPendingAtIncident: queuedAtIncident,
        overtakenAtForceNode: Number(order[0]!.overtaken),
        submitToAlertMs: arrived - submitted,
      }),
    );

    // The report is Kent's own: Kent is not asked to acknowledge it.
    const kentAlerts = await hub.db.query(
      `SELECT 1 FROM alert WHERE recipient_force = '46' AND immediate AND person_id = $1`,
      [personId],
    );
    expect(kentAlerts.rowCount).toBe(0);
  });

  it('overtakes a bulk backlog on the person topic at the hub', async () => {
    // The hub is down while Kent's next bulk import reaches Kafka: a backlog of BULK records
    // on intel.person.v1 that the restarted hub works through in small batches.
    await hub.stopProcess();
    restart.stoppedAt = new Date();
    const summary = await kent.client.submitBatch(bulkItems('B', BULK));
    expect(summary.rejected).toBe(0);
    await kent.drained(120_000);
    await hub.startProcess();
    restart.startedAt = new Date();

    const submitted = Date.now();
    const inc = await kent.client.submitIncident(riskIncident(`kt-incb-${tag}`, `kt-${tag}`));
    const alert = await immediateAlertFor(inc.incidentId);
    const arrived = Date.now();
    const unresolved = await unresolvedKent();
    expect(alert.nationalPersonId).toBe(personId);
    expect(unresolved).toBeGreaterThan(BULK / 2);
    // The backlog was real, and the count above counts it: the hub goes on working it off.
    let left = unresolved;
    await waitFor(async () => (left = await unresolvedKent()) < unresolved - 500, {
      timeoutMs: 120_000,
      intervalMs: 500,
      what: "the hub to go on resolving Kent's bulk import",
    });
    console.log(
      JSON.stringify({
        lane: 'hub',
        bulk: BULK,
        kentUnresolvedAtAlert: unresolved,
        submitToAlertMs: arrived - submitted,
        kentUnresolvedNow: left,
        msSinceSubmit: Date.now() - submitted,
      }),
    );
  });

  it('unacknowledged, it escalates on the force stream once its deadline passes, across a restart, audited', async () => {
    const id = firstAlert!.alertId;
    const alerts = await alertsOn36(
      // The topic holds earlier runs' alerts too (ids are per database): match the person.
      (a) => a.some((x) => x.escalatesAlertId === id && x.nationalPersonId === personId),
      ACK_MS + 30_000,
    );
    const escalation = alerts.find(
      (x) => x.escalatesAlertId === id && x.nationalPersonId === personId,
    )!;
    expect(escalation.alertType).toBe(AlertType.ALERT_TYPE_IMMEDIATE_UNACKNOWLEDGED);
    expect(escalation.priority).toBe(AlertPriority.ALERT_PRIORITY_IMMEDIATE);
    expect(escalation.records).toEqual(firstAlert!.records);
    // The duty officer (the second recipient) watches escalations alone.
    const duty = hub
      .as('36')
      .watchAlerts(justification, '', [AlertType.ALERT_TYPE_IMMEDIATE_UNACKNOWLEDGED]);
    const watched: Alert[] = [];
    duty.on('data', (a: Alert) => watched.push(a));
    duty.on('error', () => undefined);
    await waitFor(() => Promise.resolve(watched.some((a) => a.alertId === escalation.alertId)), {
      timeoutMs: 10_000,
      what: "the escalation on the duty officer's watch",
    });
    duty.cancel();
    expect(watched.length).toBeGreaterThan(0);
    expect(
      watched.every((a) => a.alertType === AlertType.ALERT_TYPE_IMMEDIATE_UNACKNOWLEDGED),
    ).toBe(true);
    const { rows } = await hub.db.query<{ due: Date; escalated: Date }>(
      `SELECT ack_due_at AS due, escalated_at AS escalated FROM alert WHERE alert_id = $1`,
      [id],
    );
    const { due, escalated } = rows[0]!;
    expect(escalated.getTime()).toBeGreaterThanOrEqual(due.getTime());
    // The deadline fell while the hub was down (the second test stopped it before it and
    // started it after): the restarted hub escalated it from the stored deadline, at once.
    expect(due.getTime()).toBeGreaterThan(restart.stoppedAt.getTime());
    expect(due.getTime()).toBeLessThan(restart.startedAt.getTime());
    expect(escalated.getTime()).toBeGreaterThanOrEqual(restart.startedAt.getTime() - 5000);
    expect(escalated.getTime() - restart.startedAt.getTime()).toBeLessThan(15_000);
    const audit = await auditActions();
    expect(
      audit.some((r) => r.action === 'ImmediateAlert.raised' && r.response.alert.alertId === id),
    ).toBe(true);
    expect(
      audit.some(
        (r) =>
          r.action === 'ImmediateAlert.escalated' &&
          r.response.escalation.alertId === escalation.alertId,
      ),
    ).toBe(true);
  });

  it('acknowledged in time by a named person (gRPC), it does not escalate; only its recipient may acknowledge it', async () => {
    const inc = await kent.client.submitIncident(riskIncident(`kt-inc2-${tag}`, `kt-${tag}`));
    const alerts = await alertsOn36((a) =>
      a.some((x) => x.records.some((r) => r.id === inc.incidentId)),
    );
    const second = alerts.find((x) => x.records.some((r) => r.id === inc.incidentId))!;
    expect(second.priority).toBe(AlertPriority.ALERT_PRIORITY_IMMEDIATE);

    // Kent is not its recipient: not found (nothing said about whether it exists).
    const refused = await hub
      .as('46')
      .acknowledgeAlert({
        alertId: second.alertId,
        acknowledgedByName: 'PC 1234 Jo Bloggs',
        justification,
      })
      .then(
        () => undefined,
        (e: ServiceError) => e,
      );
    expect(refused?.code).toBe(status.NOT_FOUND);
    // No name: refused, naming the field.
    const unnamed = await hub
      .as('36')
      .acknowledgeAlert({ alertId: second.alertId, acknowledgedByName: '', justification })
      .then(
        () => undefined,
        (e: ServiceError) => e,
      );
    expect(unnamed?.code).toBe(status.INVALID_ARGUMENT);
    expect(unnamed?.details).toContain('acknowledgedByName');

    const ack = await hub.as('36').acknowledgeAlert({
      alertId: second.alertId,
      acknowledgedByName: 'DS 4411 Priya Shah',
      justification,
    });
    expect(ack).toMatchObject({ acknowledgedNow: true, acknowledgedByName: 'DS 4411 Priya Shah' });
    expect(ack.auditRef).not.toBe('');
    const again = await hub.as('36').acknowledgeAlert({
      alertId: second.alertId,
      acknowledgedByName: 'PC 99 Someone Else',
      justification,
    });
    expect(again).toMatchObject({
      acknowledgedNow: false,
      acknowledgedByName: 'DS 4411 Priya Shah',
    });

    // Past its deadline and a few scheduler rounds: no escalation.
    await new Promise((r) => setTimeout(r, ACK_MS + 1500));
    const { rows } = await hub.db.query(
      `SELECT 1 FROM alert WHERE escalates_alert_id = $1 OR (alert_id = $1 AND escalated_at IS NOT NULL)`,
      [second.alertId],
    );
    expect(rows).toHaveLength(0);

    const audit = await auditActions();
    expect(audit.some((r) => r.action === 'AcknowledgeAlert')).toBe(true);
    expect(
      audit.some(
        (r) =>
          r.action === 'ImmediateAlert.escalated' &&
          r.response.escalation.alertId === second.alertId,
      ),
    ).toBe(false);
  });

  it('a force whose record of the suspect reaches the hub after the incident is told then, and only once', async () => {
    // Kent reports a man nobody else has sent yet: Kent, the reporter, is told nothing.
    const other = (sourceRecordId: string, town: string) =>
      personRecord({
        sourceRecordId,
        names: [
          {
            given: ['Owain'],
            family: `Tudor${tag.replace(/\d/g, 'y')}`,
            type: 'NAME_TYPE_BIRTH' as never,
          },
        ],
        dateOfBirth: { year: 1981, month: 11, day: 23 },
        identifiers: [
          { scheme: 'IDENTIFIER_SCHEME_PNC' as never, value: pncId(1981, (serial + 17) % 999_999) },
        ],
        addresses: [{ line: '3 Quay Street', town, postcode: '' }],
        subjectCategory: 'SUBJECT_CATEGORY_CONVICTED' as never,
      });
    const kt = await kent.client.submitPerson(other(`kt-late-${tag}`, 'Dover'));
    const inc = await kent.client.submitIncident(
      riskIncident(`kt-inc-late-${tag}`, `kt-late-${tag}`),
    );
    const person = await hub.personOf([['46', kt.nominalId]]);
    await waitFor(
      async () =>
        (
          await hub.db.query(
            `SELECT 1 FROM person_incident WHERE person_id = $1 AND incident_id = $2`,
            [person, inc.incidentId],
          )
        ).rowCount === 1,
      { timeoutMs: 60_000, what: "Kent's incident on the national person" },
    );
    const immediateTo36 = async () =>
      (
        await hub.db.query<{ alert_id: string }>(
          `SELECT n.alert_id::text FROM immediate_notice n
           WHERE n.recipient_force = '36' AND n.incident_force = '46' AND n.incident_id = $1`,
          [inc.incidentId],
        )
      ).rows;
    expect(await immediateTo36()).toEqual([]);

    // Norfolk's record of the same man comes later: Norfolk is told of Kent's incident then.
    const nf = await norfolk.client.submitPerson(other(`nf-late-${tag}`, 'Norwich'));
    const alert = await immediateAlertFor(inc.incidentId);
    expect(alert.priority).toBe(AlertPriority.ALERT_PRIORITY_IMMEDIATE);
    expect(await hub.personOf([['36', nf.nominalId]])).toBe(alert.nationalPersonId);
    expect((await immediateTo36()).map((r) => r.alert_id)).toEqual([alert.alertId]);

    // Norfolk updates its record (the person is derived again): no second IMMEDIATE alert.
    await norfolk.client.submitPerson(other(`nf-late-${tag}`, 'Great Yarmouth'));
    await waitFor(
      async () =>
        (
          await hub.db.query(
            `SELECT 1 FROM force_nominal f
             WHERE f.force_code = '36' AND f.nominal_id = $1 AND f.version >= 2
               AND NOT EXISTS (SELECT 1 FROM resolution_queue q WHERE q.entity = 'nominal'
                               AND q.force_code = '36' AND q.id = $1)`,
            [nf.nominalId],
          )
        ).rowCount === 1,
      { timeoutMs: 60_000, what: "Norfolk's update resolved at the hub" },
    );
    const { rows } = await hub.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM alert
       WHERE recipient_force = '36' AND immediate AND escalates_alert_id IS NULL
         AND person_id = $1`,
      [alert.nationalPersonId],
    );
    expect(rows[0]!.n).toBe('1');
  });

  it('is measured on /metrics', async () => {
    let text = '';
    await waitFor(
      async () => {
        text = await (await fetch(`${hub.hub.httpUrl}/metrics`)).text();
        // `name{labels…} value`: every line carries the service label after its own.
        const value = (name: string, label = '') =>
          Number(
            text
              .split('\n')
              .find((l) => l.startsWith(`${name}{`) && l.includes(label))
              ?.split(' ')
              .pop() ?? 0,
          );
        return (
          value('hub_immediate_alerts_raised_total') >= 2 &&
          value('hub_immediate_alerts_escalated_total') >= 1 &&
          value('hub_immediate_alerts_acknowledged_total', 'via="grpc"') >= 1 &&
          value('hub_immediate_ack_seconds_count') >= 1
        );
      },
      { timeoutMs: 10_000, what: 'the immediate-alert metrics' },
    ).catch((err: unknown) => {
      throw new Error(
        `${String(err)}\n${text
          .split('\n')
          .filter((l) => l.startsWith('hub_immediate'))
          .join('\n')}`,
      );
    });
  });
});
