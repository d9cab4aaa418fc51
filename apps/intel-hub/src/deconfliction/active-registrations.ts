/**
 * The active deconfliction registrations in memory (loaded at start, updated on register and
 * retire) and the hits an observation makes (docs/security.md, "Covert-persona
 * deconfliction"). Pure: digests in, planned notices out; the service writes and delivers them.
 */

/** What a notice tells its recipient the hit was. */
export type HitKind =
  | 'PERSONA_IN_RECORD'
  | 'PERSONA_QUERIED'
  | 'SHARED_TARGET'
  | 'PERSONAS_IN_CONTACT'
  | 'PERSONA_ALREADY_HELD'
  | 'TARGET_IS_PERSONA';

/** A covert unit: its force and its unit's system name. */
export interface Unit {
  force: string;
  unit: string;
}

export interface PersonaEntry extends Unit {
  personaId: string;
  /** `keyId:hex` of its digest (persona-digest.ts digestRef). */
  ref: string;
}

export interface TargetEntry extends Unit {
  targetId: string;
  personId: string | undefined;
  /** `keyId:hex` of each identifier digest. */
  refs: string[];
}

/** One sealed notice to one unit: only what it needs to call the other side. */
export interface PlannedNotice {
  recipient: Unit;
  /** The recipient's own registration the hit concerns. */
  registrationId: string;
  /** The other side: a force, and its unit or calling system ('' for a force's record). */
  other: { force: string; unit: string };
}

export interface PlannedHit {
  kind: HitKind;
  /** What the hit is about (the same event seen again makes no second notice). */
  key: string;
  notices: PlannedNotice[];
}

/** A force's record (person or incident) the hub ingested. */
export interface ObservedRecord {
  force: string;
  entity: 'nominal' | 'incident';
  id: string;
  /** Per identifier, its digest refs under every configured key. */
  identifiers: string[][];
}

const sameUnit = (a: Unit, b: Unit) => a.force === b.force && a.unit === b.unit;

export class ActiveRegistrations {
  private readonly personasByRef = new Map<string, PersonaEntry[]>();
  private readonly personas = new Map<string, PersonaEntry>();
  private readonly targets = new Map<string, TargetEntry>();

  get size(): { personas: number; targets: number } {
    return { personas: this.personas.size, targets: this.targets.size };
  }

  addPersona(p: PersonaEntry): void {
    this.personas.set(p.personaId, p);
    const list = this.personasByRef.get(p.ref) ?? [];
    list.push(p);
    this.personasByRef.set(p.ref, list);
  }

  persona(id: string): PersonaEntry | undefined {
    return this.personas.get(id);
  }

  retirePersona(id: string): void {
    const p = this.personas.get(id);
    if (!p) return;
    this.personas.delete(id);
    const rest = (this.personasByRef.get(p.ref) ?? []).filter((x) => x.personaId !== id);
    if (rest.length > 0) this.personasByRef.set(p.ref, rest);
    else this.personasByRef.delete(p.ref);
  }

  addTarget(t: TargetEntry): void {
    this.targets.set(t.targetId, t);
  }

  target(id: string): TargetEntry | undefined {
    return this.targets.get(id);
  }

  retireTarget(id: string): void {
    this.targets.delete(id);
  }

  /**
   * The active personas any of these identifiers names (each identifier given by its refs
   * under every key), once each. Every ref is looked up, whatever is found: the work does not
   * depend on whether anything matches.
   */
  personasNamedBy(identifiers: readonly (readonly string[])[]): PersonaEntry[] {
    const found = new Map<string, PersonaEntry>();
    for (const refs of identifiers)
      for (const ref of refs)
        for (const p of this.personasByRef.get(ref) ?? []) found.set(p.personaId, p);
    return [...found.values()];
  }

  /**
   * A force's record naming personas: a notice to each persona's unit (the other side: the
   * record's force). An incident naming personas of two units: they are in contact, and both
   * are told of the other.
   */
  hitsForRecord(r: ObservedRecord): PlannedHit[] {
    const named = this.personasNamedBy(r.identifiers);
    const hits: PlannedHit[] = named.map((p) => ({
      kind: 'PERSONA_IN_RECORD',
      key: `record:${r.entity}:${r.force}:${r.id}:${p.personaId}`,
      notices: [{ recipient: p, registrationId: p.personaId, other: { force: r.force, unit: '' } }],
    }));
    if (r.entity === 'incident')
      for (let i = 0; i < named.length; i++)
        for (let j = i + 1; j < named.length; j++) {
          const [a, b] = [named[i] as PersonaEntry, named[j] as PersonaEntry];
          if (sameUnit(a, b)) continue;
          const [x, y] = a.personaId < b.personaId ? [a, b] : [b, a];
          hits.push({
            kind: 'PERSONAS_IN_CONTACT',
            key: `contact:${r.force}:${r.id}:${x.personaId}:${y.personaId}`,
            notices: [
              {
                recipient: x,
                registrationId: x.personaId,
                other: { force: y.force, unit: y.unit },
              },
              {
                recipient: y,
                registrationId: y.personaId,
                other: { force: x.force, unit: x.unit },
              },
            ],
          });
        }
    return hits;
  }

  /** A force's query naming personas: each persona's unit is told which force and system asked. */
  hitsForQuery(
    identifiers: readonly (readonly string[])[],
    caller: { force: string; system: string },
    queryId: string,
  ): PlannedHit[] {
    return this.personasNamedBy(identifiers).map((p) => ({
      kind: 'PERSONA_QUERIED',
      key: `query:${queryId}:${p.personaId}`,
      notices: [
        {
          recipient: p,
          registrationId: p.personaId,
          other: { force: caller.force, unit: caller.system },
        },
      ],
    }));
  }

  /**
   * A new target against every active target of another unit: the same national person, a
   * person linked to it (`linked`: the persons the national index links to the new target's),
   * or a shared identifier digest. Both units are told of each other.
   */
  hitsForTarget(t: TargetEntry, linked: ReadonlySet<string> = new Set()): PlannedHit[] {
    const refs = new Set(t.refs);
    const hits: PlannedHit[] = [];
    for (const p of this.personasNamedBy([t.refs]))
      if (!sameUnit(p, t)) hits.push(targetIsPersona(t, p));
    for (const o of this.targets.values()) {
      if (o.targetId === t.targetId || sameUnit(o, t)) continue;
      const samePerson =
        o.personId !== undefined && (o.personId === t.personId || linked.has(o.personId));
      const sharedIdentifier = o.refs.some((r) => refs.has(r));
      if (!samePerson && !sharedIdentifier) continue;
      const [x, y] = o.targetId < t.targetId ? [o, t] : [t, o];
      hits.push({
        kind: 'SHARED_TARGET',
        key: `target:${x.targetId}:${y.targetId}`,
        notices: [
          { recipient: t, registrationId: t.targetId, other: { force: o.force, unit: o.unit } },
          { recipient: o, registrationId: o.targetId, other: { force: t.force, unit: t.unit } },
        ],
      });
    }
    return hits;
  }

  /**
   * A new persona (`refs`: its digest under every key) that another unit's operation already
   * targets: both units are told of each other.
   */
  hitsForPersona(p: PersonaEntry, refs: readonly string[]): PlannedHit[] {
    const mine = new Set(refs);
    return [...this.targets.values()]
      .filter((t) => !sameUnit(t, p) && t.refs.some((r) => mine.has(r)))
      .map((t) => targetIsPersona(t, p));
  }
}

function targetIsPersona(t: TargetEntry, p: PersonaEntry): PlannedHit {
  return {
    kind: 'TARGET_IS_PERSONA',
    key: `target-persona:${t.targetId}:${p.personaId}`,
    notices: [
      { recipient: t, registrationId: t.targetId, other: { force: p.force, unit: p.unit } },
      { recipient: p, registrationId: p.personaId, other: { force: t.force, unit: t.unit } },
    ],
  };
}
