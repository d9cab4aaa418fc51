import {
  AlertType,
  FlagType,
  HandlingCode,
  SubjectRole,
  type IncidentState,
  type NominalState,
} from '@intel/contracts';
import {
  PUBLIC_VIEW,
  deriveByView,
  historyDisclosed,
  maySee,
  recipientsByView,
  viewOf,
  visibilityFor,
} from '@intel/disclosure';
import { planChangeAlerts } from '../alerts/alert-plan';
import {
  concernedForces,
  deriveFlags,
  type DerivedFlag,
  type IncidentView,
  type MemberView,
} from './derive-flags';

// The disclosure table (docs/security.md, "One disclosure policy"): for each recipient and
// each mix of records (own force, another force's P, another force's C), the flags it is
// shown, their reasons and evidence, are those the same derivation gives over what that
// recipient may see; and nothing shown names or rests on a record it may not see.

const today = new Date('2026-11-28T00:00:00Z');
const {
  REGISTERED_SEX_OFFENDER: RSO,
  REPEAT_OFFENDER: REPEAT,
  CROSS_FORCE: CROSS,
} = {
  REGISTERED_SEX_OFFENDER: FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER,
  REPEAT_OFFENDER: FlagType.FLAG_TYPE_REPEAT_OFFENDER,
  CROSS_FORCE: FlagType.FLAG_TYPE_CROSS_FORCE,
};
const AWAY = FlagType.FLAG_TYPE_RSO_OUT_OF_AREA;
type Code = 'P' | 'C';
const handling = (c: Code) => ({
  handlingCode: c === 'C' ? HandlingCode.HANDLING_CODE_C : HandlingCode.HANDLING_CODE_P,
});

/** A nominal `<force>-<id>`; `managedBy` gives it an active registration. */
function nominal(forceCode: string, id: string, c: Code, managedBy?: string): MemberView {
  return {
    forceCode,
    nominalId: id,
    state: {
      registrations: managedBy
        ? [{ active: true, managingForce: managedBy, startDate: undefined, endDate: undefined }]
        : [],
      handling: handling(c),
    } as unknown as NominalState,
  };
}

function incident(forceCode: string, id: string, c: Code, risk = false): IncidentView {
  return {
    forceCode,
    incidentId: id,
    state: {
      sharedReference: '',
      handling: handling(c),
      immediateRiskToChild: risk,
    } as unknown as IncidentState,
    roles: [SubjectRole.SUBJECT_ROLE_SUSPECT],
  };
}

/** What `recipient` is shown of a person with these records. */
function shown(recipient: string, members: MemberView[], incidents: IncidentView[]) {
  const views = deriveByView(members, incidents, (m, i) => deriveFlags(m, i, today));
  return views.get(viewOf(recipient, views)) ?? [];
}

interface Row {
  what: string;
  members: MemberView[];
  incidents: IncidentView[];
  /** recipient → flag types shown (sorted), and words its reasons must (not) contain. */
  expect: Record<string, { flags: FlagType[]; says?: string[]; never?: string[] }>;
}

const table: Row[] = [
  {
    what: 'own C registration',
    members: [nominal('36', 'a', 'C', '36')],
    incidents: [],
    expect: {
      '36': { flags: [RSO], says: ['managing force 36'] },
      '01': { flags: [] },
      '46': { flags: [] },
    },
  },
  {
    what: 'other force P registration, incident in another area',
    members: [nominal('36', 'a', 'P', '36'), nominal('01', 'b', 'P')],
    incidents: [incident('01', 'i1', 'P')],
    expect: {
      '01': { flags: [RSO, CROSS, AWAY], says: ['managing force 36', 'force area 01'] },
      '46': { flags: [RSO, CROSS, AWAY] },
      '36': { flags: [RSO, CROSS, AWAY] },
    },
  },
  {
    what: 'registration only on a C record (finding 4)',
    members: [nominal('36', 'a', 'C', '36'), nominal('01', 'b', 'P')],
    incidents: [incident('01', 'i1', 'P')],
    expect: {
      '01': { flags: [], never: ['regist', 'managing', '36'] },
      '46': { flags: [] },
      '36': { flags: [RSO, CROSS, AWAY], says: ['managing force 36'] },
    },
  },
  {
    what: 'a C incident (finding 4)',
    members: [nominal('46', 'k', 'P'), nominal('36', 'n', 'P')],
    incidents: [incident('46', 'i1', 'P'), incident('36', 'i2', 'C')],
    expect: {
      '46': { flags: [CROSS], never: ['distinct incidents', 'i2'] },
      '01': { flags: [CROSS], never: ['distinct incidents'] },
      '36': { flags: [REPEAT, CROSS], says: ['2 distinct incidents'] },
    },
  },
  {
    what: 'P registration managed by 36, C registration managed by 01 on 01’s own record',
    members: [nominal('36', 'a', 'P', '36'), nominal('01', 'b', 'C', '01')],
    incidents: [incident('01', 'i1', 'P')],
    expect: {
      // Everyone else: managed by 36 only, so the incident in 01 is out of area.
      '46': { flags: [RSO, AWAY], never: ['01, 36', '2 linked'] },
      '36': { flags: [RSO, AWAY], says: ['managing force 36'], never: ['01, 36'] },
      // 01 sees its own registration too: the incident is in a managing force's area.
      '01': { flags: [RSO, CROSS], says: ['managing force 01, 36'] },
    },
  },
  {
    what: 'two forces’ C records',
    members: [nominal('36', 'a', 'C'), nominal('01', 'b', 'C')],
    incidents: [incident('36', 'i1', 'C'), incident('01', 'i2', 'C')],
    expect: {
      '36': { flags: [] },
      '01': { flags: [] },
      '46': { flags: [] },
    },
  },
  {
    what: 'three forces, one of them C',
    members: [nominal('36', 'a', 'C'), nominal('01', 'b', 'P'), nominal('46', 'c', 'P')],
    incidents: [incident('01', 'i1', 'P'), incident('46', 'i2', 'P')],
    expect: {
      '20': { flags: [REPEAT, CROSS], says: ['2 forces: 01, 46'], never: ['36'] },
      '01': { flags: [REPEAT, CROSS], never: ['36'] },
      '36': { flags: [REPEAT, CROSS], says: ['3 forces: 01, 36, 46'] },
    },
  },
];

describe('the disclosure table: recipients × records', () => {
  for (const row of table)
    describe(row.what, () => {
      const visible = visibilityFor(row.members, row.incidents);
      for (const [recipient, exp] of Object.entries(row.expect))
        it(`recipient ${recipient}`, () => {
          const flags = shown(recipient, row.members, row.incidents);
          expect(flags.map((f) => f.type).sort()).toEqual([...exp.flags].sort());
          const reasons = flags.map((f) => f.reason).join(' | ');
          for (const w of exp.says ?? []) expect(reasons).toContain(w);
          for (const w of exp.never ?? []) expect(reasons).not.toContain(w);
          // Whatever the row: no evidence, and no reason, rests on a record it may not see.
          for (const f of flags)
            for (const r of f.evidence) expect(visible(recipient, r)).toBe(true);
          const hidden = [
            ...row.members.filter((m) => !maySee(recipient, m)).map((m) => m.nominalId),
            ...row.incidents.filter((i) => !maySee(recipient, i)).map((i) => i.incidentId),
          ];
          for (const id of hidden)
            expect(flags.flatMap((f) => f.evidence.map((e) => e.id))).not.toContain(id);
        });
    });

  it('flags of a view are a pure function of its records: a C record added changes no other view', () => {
    const base = [nominal('01', 'b', 'P', '01')];
    const incidents = [incident('01', 'i1', 'P')];
    const before = deriveByView(base, incidents, (m, i) => deriveFlags(m, i, today));
    const after = deriveByView(
      [...base, nominal('36', 'a', 'C', '36')],
      [...incidents, incident('36', 'i2', 'C')],
      (m, i) => deriveFlags(m, i, today),
    );
    // Same flags, reasons and evidence: so neither a new flag, a new reason nor a new first-
    // raised time (stored per view) can come from the hidden records.
    expect(after.get(PUBLIC_VIEW)).toEqual(before.get(PUBLIC_VIEW));
    expect([...after.keys()]).toEqual([PUBLIC_VIEW, '36']);
  });

  it('a person’s creation and merges are dated only for a recipient who may see all of it', () => {
    const members = [nominal('36', 'a', 'C'), nominal('01', 'b', 'P')];
    expect(historyDisclosed('36', members)).toBe(true);
    expect(historyDisclosed('01', members)).toBe(false);
    expect(historyDisclosed('46', [nominal('36', 'a', 'C')])).toBe(false);
    expect(historyDisclosed('46', [nominal('36', 'a', 'P')])).toBe(true);
  });
});

describe('alerts per recipient view', () => {
  const flagsFor =
    (before: Map<string, DerivedFlag[]>, after: Map<string, DerivedFlag[]>) => (r: string) => ({
      before: new Set((before.get(viewOf(r, before)) ?? []).map((f) => f.type)),
      after: after.get(viewOf(r, after)) ?? [],
    });
  const byView = (m: MemberView[], i: IncidentView[]) =>
    deriveByView(m, i, (ms, is) => deriveFlags(ms, is, today));

  it('a C registration joining a person alerts its owner only; the managing force it names is not told', () => {
    const beforeM = [nominal('01', 'b', 'P')];
    const inc = [incident('01', 'i1', 'P')];
    const afterM = [...beforeM, nominal('36', 'a', 'C', '20')];
    const drafts = planChangeAlerts(
      {
        personId: 'P',
        beforeIncidents: new Set(['01:i1']),
        incidents: inc,
        recipients: recipientsByView(afterM, inc, (m) => concernedForces(m, today)),
        flagsFor: flagsFor(byView(beforeM, inc), byView(afterM, inc)),
      },
      today,
    );
    expect(drafts.map((d) => [d.recipientForceCode, d.alertType, d.flags.sort()])).toEqual([
      ['36', AlertType.ALERT_TYPE_FLAG_RAISED, [RSO, CROSS, AWAY].sort()],
    ]);
  });

  it('a new C incident on a flagged person alerts its owner; others get neither the incident nor its risk', () => {
    const members = [nominal('01', 'b', 'P', '01'), nominal('36', 'a', 'P')];
    const before = [incident('01', 'i1', 'P')];
    const after = [...before, incident('36', 'i2', 'C', true)];
    const drafts = planChangeAlerts(
      {
        personId: 'P',
        beforeIncidents: new Set(['01:i1']),
        incidents: after,
        recipients: recipientsByView(members, after, (m) => concernedForces(m, today)),
        flagsFor: flagsFor(byView(members, before), byView(members, after)),
      },
      today,
    );
    expect(drafts.map((d) => d.recipientForceCode)).toEqual(['36']);
    const [own] = drafts;
    expect(own!.alertType).toBe(AlertType.ALERT_TYPE_FLAG_RAISED);
    expect(own!.flags).toEqual([REPEAT, AWAY]);
    expect(own!.immediateRiskToChild).toBe(true);
    expect(own!.records.map((r) => r.id)).toContain('i2');
  });

  it('a new visible incident on a person flagged only in the owner’s view tells no one else it is flagged', () => {
    const members = [nominal('36', 'a', 'C', '36'), nominal('01', 'b', 'P')];
    const before: IncidentView[] = [];
    const after = [incident('01', 'i1', 'P', true)];
    const drafts = planChangeAlerts(
      {
        personId: 'P',
        beforeIncidents: new Set(),
        incidents: after,
        recipients: recipientsByView(members, after, (m) => concernedForces(m, today)),
        flagsFor: flagsFor(byView(members, before), byView(members, after)),
      },
      today,
    );
    expect(drafts.map((d) => [d.recipientForceCode, d.alertType])).toEqual([
      ['36', AlertType.ALERT_TYPE_FLAG_RAISED],
    ]);
    expect(drafts[0]!.flags).toEqual([AWAY]);
  });
});
