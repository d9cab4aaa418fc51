import { randomUUID } from 'node:crypto';
import { EventType, type IncidentState, type NominalState } from '@intel/contracts';
import { TOPICS, alertTopic, forcePrincipal, forceResourcePrefix } from '@intel/kafka';
import {
  bareNominal,
  covertHandling,
  forceProducer,
  readTopic,
  signedEvent,
  waitFor,
  type SignedEvent,
} from '@intel/testing';
import type { Producer } from 'kafkajs';
import type { AnalystHttpResponse } from './analyst-http';
import type { z } from 'zod';
import type { judgementSchema, queueItemSchema } from '../src/analyst/review/review.routes';
import { HubHarness } from './hub.harness';
import { rareFamily, rareUsername, reviewNominal, suspectIncident } from './review.fixture';

type Pair = z.output<typeof queueItemSchema>;
type Judgement = z.output<typeof judgementSchema>;
interface Decided {
  judgementId: string;
  status: string;
  approvalReasons?: string[];
  auditRef: string;
}
interface Listed<T> {
  items: T[];
}

// Match review through the analysts' API, in the hub as its own process on the real
// PostgreSQL and Kafka: the forces' records arrive signed on the bus, as their nodes publish
// them; analysts and supervisors act with tokens from a test issuer.
describe('match review over the analysts’ API (integration: real PostgreSQL + Kafka)', () => {
  const h = new HubHarness('it_review_api', 'review-api', {}, { analyst: true });
  const producers = new Map<string, Producer>();
  const users = {
    analyst36: { sub: 'ann.36', name: 'Ann Analyst', force: '36', roles: ['analyst'] },
    other36: { sub: 'bob.36', name: 'Bob Analyst', force: '36', roles: ['analyst'] },
    sup36: { sub: 'sue.36', name: 'Sue Supervisor', force: '36', roles: ['supervisor'] },
    sup36b: { sub: 'sam.36', name: 'Sam Supervisor', force: '36', roles: ['supervisor'] },
    analyst01: { sub: 'mo.01', name: 'Mo Analyst', force: '01', roles: ['analyst'] },
    sup01: { sub: 'meg.01', name: 'Meg Supervisor', force: '01', roles: ['supervisor'] },
    auditor36: { sub: 'aud.36', name: 'Audrey Auditor', force: '36', roles: ['auditor'] },
  };
  type User = keyof typeof users;
  const sessions = new Map<User, { token: string; consultation: string }>();

  beforeAll(async () => {
    await h.start();
    for (const force of ['36', '01', '46'])
      producers.set(force, await forceProducer(force, `it-review-api-${force}`));
    // A fresh group reads the shared topics from the beginning: wait until it has caught up.
    const marker = bareNominal(randomUUID(), 1, rareFamily());
    await publish('36', [marker]);
    await resolved([key('36', marker.nominalId)], 110_000);
    for (const [u, claims] of Object.entries(users) as [User, (typeof users)[User]][]) {
      const token = await h.mintToken(claims);
      sessions.set(u, {
        token,
        consultation: await h.openConsultation(token, 'Match review of the national index'),
      });
    }
  }, 240_000);
  afterAll(async () => {
    for (const p of producers.values()) await p.disconnect();
    await h.stop();
  });

  const key = (force: string, id: string) => `${force}:${id}`;

  function call<T = Decided & { errors: unknown[] }>(
    user: User,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<AnalystHttpResponse<T>> {
    const s = sessions.get(user);
    if (!s) throw new Error(`no session for ${user}`);
    return h.api<T>(method, path, { token: s.token, consultation: s.consultation, body });
  }

  async function publish(force: string, states: NominalState[], incidents: IncidentState[] = []) {
    const events: [string, SignedEvent][] = [
      ...states.map((n): [string, SignedEvent] => [
        TOPICS.person,
        signedEvent(force, EventType.EVENT_TYPE_NOMINAL_UPSERTED, n.nominalId, { nominal: n }),
      ]),
      ...incidents.map((i): [string, SignedEvent] => [
        TOPICS.incident,
        signedEvent(force, EventType.EVENT_TYPE_INCIDENT_UPSERTED, i.incidentId, { incident: i }),
      ]),
    ];
    for (const [topic, e] of events)
      await producers.get(force)?.send({
        topic,
        acks: -1,
        messages: [{ key: e.key, value: e.value, headers: e.headers }],
      });
  }

  /** Every key resolved at its latest version into a person, nothing of them still queued. */
  async function resolved(keys: string[], timeoutMs = 60_000, version = 1) {
    await waitFor(
      async () => {
        const r = await h.db.query<{ n: string; q: string }>(
          `SELECT (SELECT count(*) FROM person_member m JOIN force_nominal n USING (force_code, nominal_id)
                   WHERE m.force_code || ':' || m.nominal_id = ANY($1::text[]) AND n.version >= $2) AS n,
                  (SELECT count(*) FROM resolution_queue) AS q`,
          [keys, version],
        );
        return r.rows[0]?.n === String(keys.length) && r.rows[0]?.q === '0';
      },
      { timeoutMs, what: `${keys.join(', ')} resolved` },
    );
  }

  async function personOf(k: string): Promise<string | undefined> {
    const r = await h.db.query<{ person_id: string }>(
      `SELECT person_id FROM person_member WHERE force_code || ':' || nominal_id = $1`,
      [k],
    );
    return r.rows[0]?.person_id;
  }

  /** The pair of these two nominals in the user's queue, if queued for them. */
  async function queued(user: User, a: string, b: string): Promise<Pair | undefined> {
    const r = await call<Listed<Pair>>(user, 'GET', '/review/queue?limit=100');
    expect(r.status).toBe(200);
    const ids = (x: Pair) => [x.a.nominalId, x.b.nominalId].sort().join();
    return r.body.items.find((x) => ids(x) === [a, b].sort().join());
  }

  /** The pair, which must be queued for the user. */
  async function mustBeQueued(user: User, a: string, b: string): Promise<Pair> {
    const item = await queued(user, a, b);
    if (!item) throw new Error(`${a} ~ ${b} is not queued for ${user}`);
    return item;
  }

  interface AuditedRecord {
    forceCode: string;
    nominalId: string;
    nationalPersonId?: string;
  }
  async function auditRow(seq: string) {
    const r = await h.db.query<{
      action: string;
      caller_name: string;
      caller_force: string;
      request: { pair?: { a: AuditedRecord; b: AuditedRecord } };
      response: { pair?: { a: AuditedRecord; b: AuditedRecord } };
    }>(
      `SELECT action, caller_name, caller_force, request, response FROM audit_log WHERE seq = $1`,
      [seq],
    );
    return r.rows[0];
  }

  const rationale = 'Same custody photograph and the same address history';
  const twoForces: { a?: NominalState; b?: NominalState; judgementId?: string } = {};

  it('a cross-force SAME waits for a supervisor of the force; approved, the records are one person with a new flag, and an alert reaches both holding forces', async () => {
    const f = rareFamily();
    const a = reviewNominal(f, [rareUsername()]);
    const b = reviewNominal(f, [rareUsername()]);
    await publish('36', [a], [suspectIncident(a.nominalId)]);
    await publish('01', [b], [suspectIncident(b.nominalId)]);
    await resolved([key('36', a.nominalId), key('01', b.nominalId)]);
    expect(await personOf(key('36', a.nominalId))).not.toBe(await personOf(key('01', b.nominalId)));

    const item = await mustBeQueued('sup36', a.nominalId, b.nominalId);
    expect(item).toMatchObject({ band: 'POSSIBLE', unsure: 0 });
    expect(item.a.names?.[0]?.family).toBe(f);
    const judged = await call('sup36', 'POST', '/review/judgements', {
      pairId: item.pairId,
      verdict: 'SAME',
      rationale,
    });
    expect(judged.status).toBe(201);
    expect(judged.body).toMatchObject({
      status: 'PENDING_APPROVAL',
      approvalReasons: ['CROSS_FORCE_MERGE', 'REPEAT_OFFENDER_FLAG_ADDED'],
    });
    const judgementId = judged.body.judgementId;
    Object.assign(twoForces, { a, b, judgementId });
    expect(await auditRow(judged.body.auditRef)).toMatchObject({
      action: 'Analyst.judgePair',
      caller_name: 'analyst:sue.36',
      caller_force: '36',
    });
    // Waiting: nothing linked yet, and the pair is out of everyone's queue.
    expect(await personOf(key('36', a.nominalId))).not.toBe(await personOf(key('01', b.nominalId)));
    expect(await queued('analyst36', a.nominalId, b.nominalId)).toBeUndefined();
    const pending = await call<Listed<Judgement>>(
      'sup36b',
      'GET',
      '/review/judgements?status=PENDING_APPROVAL',
    );
    expect(pending.body.items.map((j) => j.judgementId)).toContain(judgementId);

    // Not its author, not an analyst, not another force's supervisor.
    const path = `/review/judgements/${judgementId}/approve`;
    expect((await call('sup36', 'POST', path)).status).toBe(403);
    expect((await call('analyst36', 'POST', path)).status).toBe(403);
    expect((await call('sup01', 'POST', path)).status).toBe(404);
    const approved = await call('sup36b', 'POST', path);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ judgementId, status: 'ACTIVE' });
    const approval = await auditRow(approved.body.auditRef);
    expect(approval).toMatchObject({
      action: 'Analyst.approveJudgement',
      caller_name: 'analyst:sam.36',
    });

    const person = await personOf(key('36', a.nominalId));
    expect(person).toBeDefined();
    // Named as the audit viewer finds persons and records: before and after the link.
    const named = approval?.request.pair;
    expect([named?.a, named?.b]).toContainEqual(
      expect.objectContaining({ forceCode: '01', nominalId: b.nominalId }),
    );
    expect(named?.a.nationalPersonId).not.toBe(named?.b.nationalPersonId);
    expect(approval?.response.pair?.b.nationalPersonId).toBe(person);
    expect(approval?.response.pair?.a.nationalPersonId).toBe(person);
    expect(await personOf(key('01', b.nominalId))).toBe(person);
    const dossier = await call<{ flags: { type: string }[] }>(
      'analyst01',
      'GET',
      `/persons/${person}`,
    );
    expect(dossier.status).toBe(200);
    expect(dossier.body.flags.map((x) => x.type).sort()).toEqual([
      'CROSS_FORCE',
      'REPEAT_OFFENDER',
    ]);
    for (const force of ['36', '01']) {
      const msgs = await readTopic(h.infra.kafkaBrokers, alertTopic(force), {
        as: forcePrincipal(force),
        groupPrefix: forceResourcePrefix(force),
        until: (m) => m.some((x) => x.envelope?.alert?.nationalPersonId === person),
        timeoutMs: 30_000,
      });
      const mine = msgs.filter((x) => x.envelope?.alert?.nationalPersonId === person);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.flatMap((x) => x.envelope?.alert?.flags ?? [])).toContain(
        'FLAG_TYPE_REPEAT_OFFENDER',
      );
    }
  });

  it('a judged pair never returns to the queue; retracted (by its author or a supervisor), the persons split and it is queued again', async () => {
    const { a, b, judgementId } = twoForces;
    if (!a || !b || !judgementId) throw new Error('the SAME judgement did not run');
    for (const u of ['analyst36', 'other36', 'analyst01'] as const)
      expect(await queued(u, a.nominalId, b.nominalId)).toBeUndefined();
    // Scored again (the force updates its record): still judged, still one person.
    await publish('01', [{ ...b, version: 2 }]);
    await resolved([key('01', b.nominalId)], 60_000, 2);
    expect(await queued('other36', a.nominalId, b.nominalId)).toBeUndefined();
    expect(await personOf(key('01', b.nominalId))).toBe(await personOf(key('36', a.nominalId)));

    const path = `/review/judgements/${judgementId}/retract`;
    const why = { rationale: 'The custody photograph was of his brother' };
    expect((await call('other36', 'POST', path, why)).status).toBe(403);
    const retracted = await call('sup36', 'POST', path, why);
    expect(retracted.status).toBe(200);
    expect(retracted.body.status).toBe('RETRACTED');
    expect(await auditRow(retracted.body.auditRef)).toMatchObject({
      action: 'Analyst.retractJudgement',
    });
    expect(await personOf(key('01', b.nominalId))).not.toBe(await personOf(key('36', a.nominalId)));
    expect(await queued('other36', a.nominalId, b.nominalId)).toBeDefined();
    expect((await call('sup36', 'POST', path, why)).status).toBe(409);
    const listed = await call<Listed<Judgement>>(
      'analyst36',
      'GET',
      '/review/judgements?status=RETRACTED',
    );
    expect(listed.body.items.find((j) => j.judgementId === judgementId)).toMatchObject({
      verdict: 'SAME',
      closedBy: { sub: 'sue.36' },
      closedRationale: why.rationale,
    });
  });

  it("another force's C record: the pair is shown to its owner only, and another force cannot judge it", async () => {
    const f = rareFamily();
    const covert = reviewNominal(f, [rareUsername()], { handling: covertHandling() });
    const open = reviewNominal(f, [rareUsername()]);
    await publish('36', [covert]);
    await publish('01', [open]);
    await resolved([key('36', covert.nominalId), key('01', open.nominalId)]);
    const item = await mustBeQueued('analyst36', covert.nominalId, open.nominalId);
    expect(item.a.handlingCode === 'C' || item.b.handlingCode === 'C').toBe(true);
    const met = await call('analyst01', 'GET', '/review/queue?limit=100');
    expect(JSON.stringify(met.body)).not.toContain(covert.nominalId);
    const refused = await call('analyst01', 'POST', '/review/judgements', {
      pairId: item.pairId,
      verdict: 'SAME',
      rationale,
    });
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(refused.body)).not.toContain(covert.nominalId);
    const audited = await h.db.query<{ code: string }>(
      `SELECT response->'refused'->>'code' AS code FROM audit_log
       WHERE action = 'Analyst.judgePair' AND caller_name = 'analyst:mo.01' ORDER BY seq DESC LIMIT 1`,
    );
    expect(audited.rows[0]?.code).toBe('HTTP_404');

    // Two C records of different forces: each force may see only its own, so no one reviews it.
    const g = rareFamily();
    const c36 = reviewNominal(g, [rareUsername()], { handling: covertHandling() });
    const c01 = reviewNominal(g, [rareUsername()], { handling: covertHandling() });
    await publish('36', [c36]);
    await publish('01', [c01]);
    await resolved([key('36', c36.nominalId), key('01', c01.nominalId)]);
    expect(await queued('analyst36', c36.nominalId, c01.nominalId)).toBeUndefined();
    expect(await queued('analyst01', c36.nominalId, c01.nominalId)).toBeUndefined();
  });

  it('refuses bad input, a missing consultation and the wrong role, as problem+json', async () => {
    const bad = [
      { pairId: '1', verdict: 'SAME', rationale, extra: true },
      { pairId: '1', verdict: 'MAYBE', rationale },
      { pairId: "1' OR 1=1 --", verdict: 'SAME', rationale },
      { pairId: '1', verdict: 'SAME', rationale: '   ' },
      { pairId: '1', verdict: 'SAME', rationale: 'same same same same' },
    ];
    for (const body of bad) {
      const r = await call('analyst36', 'POST', '/review/judgements', body);
      expect(r.status).toBe(400);
      expect(r.body.errors.length).toBeGreaterThan(0);
    }
    expect((await call('analyst36', 'GET', '/review/queue?limit=0')).status).toBe(400);
    expect((await call('analyst36', 'GET', '/review/queue?cursor=%3Cscript%3E')).status).toBe(400);
    expect((await call('analyst36', 'GET', '/review/queue?cursor=abc')).status).toBe(400);
    expect((await call('sup36', 'POST', '/review/judgements/nope/approve')).status).toBe(400);
    expect((await call('analyst36', 'POST', '/review/judgements/nope/approve')).status).toBe(403);
    const s = sessions.get('analyst36');
    const noConsultation = await h.api('GET', '/review/queue', { token: s?.token });
    expect(noConsultation.status).toBe(428);
    expect((await call('auditor36', 'GET', '/review/queue')).status).toBe(403);
    const unknown = await call('analyst36', 'POST', '/review/judgements', {
      pairId: '999999999',
      verdict: 'SAME',
      rationale,
    });
    expect(unknown.status).toBe(404);
  });

  // Last: it restarts the hub, and learns its parameters again from the index.
  it('a NOT_SAME keeps two records apart when the engine would link them, through a hub restart and a parameter rebuild', async () => {
    const f = rareFamily();
    const shared = rareUsername();
    const a = reviewNominal(f, [shared]);
    const b = reviewNominal(f, [rareUsername()]);
    await publish('36', [a, b]);
    await resolved([key('36', a.nominalId), key('36', b.nominalId)]);
    const item = await mustBeQueued('analyst36', a.nominalId, b.nominalId);
    const judged = await call('analyst36', 'POST', '/review/judgements', {
      pairId: item.pairId,
      verdict: 'NOT_SAME',
      rationale: 'Twins: different custody records and fingerprints',
    });
    expect(judged.status).toBe(201);
    expect(judged.body.status).toBe('ACTIVE');
    // The force learns that b uses a's username too: the engine would link them now.
    await publish('36', [
      { ...b, version: 2, onlineIdentifiers: [...b.onlineIdentifiers, ...a.onlineIdentifiers] },
    ]);
    await resolved([key('36', b.nominalId)], 60_000, 2);
    const apart = async () =>
      (await personOf(key('36', a.nominalId))) !== (await personOf(key('36', b.nominalId)));
    expect(await apart()).toBe(true);

    await h.stopProcess();
    await h.startProcess();
    expect(h.hub.logs.some((l) => l.includes('"mode":"restored"'))).toBe(true);
    expect(await apart()).toBe(true);

    // Enough records for the hub to learn its parameters from the index at the next start.
    const fillers = Array.from({ length: 120 }, () => bareNominal(randomUUID(), 1, rareFamily()));
    await publish('46', fillers);
    await resolved(fillers.map((n) => key('46', n.nominalId)));
    await h.stopProcess();
    await h.startProcess({ HUB_TRAIN_MIN_RECORDS: '100' });
    expect(h.hub.logs.some((l) => l.includes('"mode":"rebuilt"'))).toBe(true);
    expect(await apart()).toBe(true);
    expect(await queued('other36', a.nominalId, b.nominalId)).toBeUndefined();
  });
});
