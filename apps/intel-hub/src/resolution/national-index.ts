import {
  probabilityOf,
  type MatchEngine,
  type MatchIndex,
  type MatchInput,
  type NormalisedRecord,
  type QueryCandidate,
  type RecordKeys,
  type RestoredLink,
  type RestoredRecord,
  type ScoredCandidate,
  type SnapshotPart,
} from '@intel/matching';
import { HandlingCode, NominalState } from '@intel/contracts';
import { PUBLIC_VIEW, viewOf, type Handled } from '@intel/disclosure';
import type { MemberFacts, MemberView } from '../flags/derive-flags';
import type { PersonViews, ViewFlag } from '../flags/view-flags.repository';
import { comparedIdentifierKey, ExactIdentifierIndex, identifierKeysOf } from './exact-identifiers';
import { MemberHandles } from './member-handles';
import { splitMemberKey, type MemberKey } from './member-key';
import { PersonMembers } from './person-members';
import { RestrictionColumn } from './restriction-column';
import { StateArena } from './state-arena';
import { disclosureFactsOf } from './state-facts';
import { nominalAsMatchInput } from './nominal-input';
import { malformed, type NationalParts } from './snapshot-parts';
import type { PersonAssignment } from './person-assignment';

/** What the national index keeps of a nominal's state besides its bytes. */
export interface NominalFacts {
  /** Handling code C. */
  restricted: boolean;
  /** Its online identifiers' canonical keys (`identifierKeysOf`). */
  identifierKeys: readonly string[];
}

/** A nominal as `NationalIndex.restore` takes it: its state decoded, or a batch's facts of it. */
export type RestoredNominal = { key: MemberKey; encoded: Uint8Array; personId: string } & (
  | {
      state: NominalState;
      facts?: undefined;
      /** Its matching record, normalised already (a batch's): `RestoredRecord.normalised`. */
      normalised?: NormalisedRecord;
    }
  | { state?: undefined; facts: NominalFacts; normalised: NormalisedRecord }
);

/**
 * The most nominals an online identifier in a CheckPerson may be held by for each of them to be
 * answered whatever its score: an identifier held more widely (a shared switchboard number, a
 * placeholder e-mail) singles no one out (CheckIdentifiers answers the same 50 at most), and its
 * holders are answered only as far as the engine's score takes them.
 */
export const EXACT_ONLINE_HOLDERS = 50;

/**
 * The band a query's candidate is answered at when it holds one of the query's identifiers
 * exactly (docs/hub.md "Exact identifiers in a query"). The engine's score is a posterior
 * against the prior of two records of the index drawn at random (λ, learned by EM); a query
 * carrying one identifier and nothing else gets that prior plus one field's weight, which after
 * a re-learning on a population with few duplicates (λ·N well below 1) stays below the link
 * threshold or even POSSIBLE. So:
 *
 * - a valid PNC ID or CRO number held exactly (`exactCustodyId`), with nothing the two hold
 *   weighing against the match, is answered at least PROBABLE: such a number is issued to one
 *   person, and a keying error passes its check character about once in 23; not CERTAIN, as a
 *   number is sometimes recorded against the wrong person;
 * - held exactly but contradicted (another date of birth, name or sex), or an online
 *   identifier held exactly (`exactOnline`: accounts and phones are shared), at least POSSIBLE:
 *   returned for the caller to judge, as any POSSIBLE match (hidden records then stay unanswered).
 *
 * A raised score is the band's threshold (a posterior of 0.5 for PROBABLE), so answers still
 * rank by score; the explanation stays the engine's (its fields show the exact agreement).
 * Other candidates are as the engine scored them. Pure.
 */
export function exactIdentifierFloor(
  c: QueryCandidate,
  exactOnline: boolean,
  bits: { possible: number; link: number },
): ScoredCandidate {
  const { exactCustodyId, contradicts, ...scored } = c;
  const floor =
    exactCustodyId && !contradicts
      ? { bits: bits.link, band: 'MATCH_BAND_PROBABLE' as const }
      : exactCustodyId || exactOnline
        ? { bits: bits.possible, band: 'MATCH_BAND_POSSIBLE' as const }
        : undefined;
  if (floor === undefined || scored.score >= floor.bits) return scored;
  return { ...scored, score: floor.bits, probability: probabilityOf(floor.bits), band: floor.band };
}

/** A person holding an online identifier exactly (`NationalIndex.identifierPersons`). */
export interface IdentifierPerson {
  personId: string;
  /** Its live nominals holding the identifier, in the exact index's posting order. */
  holders: MemberKey[];
  /** Whether the recipient may see at least one of those holders. */
  visible: boolean;
}

/** What `NationalIndex.handled` says of a member's state: C, or not. */
const RESTRICTED: Handled['state'] = Object.freeze({
  handling: Object.freeze({ handlingCode: HandlingCode.HANDLING_CODE_C }),
});
const SHAREABLE: Handled['state'] = Object.freeze({});

/** The matching index's options in the national index (a snapshot must have been written with them). */
export const NATIONAL_MATCH_OPTIONS = { corroboratedLinks: true } as const;

/** An index's parts, read back from a snapshot (`NationalIndex.fromSnapshot`). */
export interface RestoredNationalParts {
  matching: MatchIndex;
  handles: MemberHandles;
  states: StateArena;
  persons: PersonMembers;
  flags: Map<number, ViewFlag[] | PersonViews<ViewFlag[]>>;
  identifiers: ExactIdentifierIndex;
}

type StoredFlags = ViewFlag[] | PersonViews<ViewFlag[]>;

/** Persons restored in place (`NationalIndex.replacePersons`). */
export interface ReplacedPersons {
  gone: MemberKey[];
  records: { key: MemberKey; state: NominalState; encoded: Uint8Array; personId: string }[];
  links: RestoredLink[];
  persons: { personId: string; seq: number; key: MemberKey }[];
  concerned: string[];
  flags: Map<string, PersonViews<ViewFlag[]>>;
}

/** A person's flags as JSON: `{ p: flags }` (public view alone) or `{ v: [[viewer, flags]…] }`. */
function flagsJson(flags: StoredFlags): string {
  return JSON.stringify(Array.isArray(flags) ? { p: flags } : { v: [...flags] });
}

function parseFlags(json: string): StoredFlags {
  const revive = (f: ViewFlag[]): ViewFlag[] =>
    f.map((x) => ({ ...x, raisedAt: new Date(x.raisedAt as unknown as string) }));
  let o: { p?: ViewFlag[]; v?: [string, ViewFlag[]][] };
  try {
    o = JSON.parse(json) as typeof o;
  } catch {
    throw malformed("a person's flags are not JSON");
  }
  if (Array.isArray(o.p)) return revive(o.p);
  if (Array.isArray(o.v)) return new Map(o.v.map(([viewer, f]) => [viewer, revive(f)]));
  throw malformed("a person's flags hold no view");
}

/**
 * The hub's in-memory view of the national index, derived from its database and rebuilt from
 * it at start or after a failed resolution: the matching index over every live force nominal,
 * each nominal's state as published, the exact online-identifier index (which live nominals
 * hold each canonical identifier: CheckIdentifiers), which national person each nominal belongs
 * to, and each person's flags per view (`@intel/disclosure`). Queries read it; only the
 * resolution service writes it.
 *
 * States are kept encoded (protobuf, off the JS heap: ~0.5 KB a nominal) and decoded per query,
 * so answering a query reads nothing from the database: its only round trip is the audit entry.
 *
 * Held compactly for a national index (docs/hub.md "The national index in memory"): each member
 * key is interned once to an integer handle (`MemberHandles`; the key string is the one the
 * matching index keeps), states are in an append-only arena of large chunks (`StateArena`),
 * person ids are interned once with their members as linked lists of handles (`PersonMembers`),
 * and the exact-identifier postings are handles. A member key has a handle while it is a live
 * nominal or names a person.
 */
export class NationalIndex {
  readonly matching: MatchIndex;
  private readonly handles: MemberHandles;
  private readonly states: StateArena;
  private readonly persons: PersonMembers;
  /** Per person handle: its public view's flags alone (most persons), or every view's. */
  private readonly flags: Map<number, ViewFlag[] | PersonViews<ViewFlag[]>>;
  private readonly identifiers: ExactIdentifierIndex;
  /** Per handle: whether its state is handling code C (`handled`), kept with `states`. */
  private readonly restriction = new RestrictionColumn();

  /**
   * `stateChunkBytes`: the state arena's chunk size (tests set a small one). `restored`: the
   * parts of an index read back from a snapshot (`fromSnapshot`).
   */
  constructor(
    readonly engine: MatchEngine,
    options: { stateChunkBytes?: number; restored?: RestoredNationalParts } = {},
  ) {
    const r = options.restored;
    this.states = r?.states ?? new StateArena(options.stateChunkBytes);
    this.handles = r?.handles ?? new MemberHandles();
    this.persons = r?.persons ?? new PersonMembers();
    this.flags = r?.flags ?? new Map<number, StoredFlags>();
    this.identifiers = r?.identifiers ?? new ExactIdentifierIndex();
    // A national link needs more than a name: records sharing only a (common) name are
    // reported as POSSIBLE, never merged into one person (docs/hub.md, Known limits).
    this.matching = r?.matching ?? engine.createIndex(NATIONAL_MATCH_OPTIONS);
  }

  /**
   * Everything but the matching index (which has its own snapshot, `MatchIndex.snapshot`) as a
   * snapshot's parts, exactly as held: the handles, the state arena, the persons and their
   * members, the flags, the exact-identifier postings. Views over live arrays: nothing may
   * change the index until they are written.
   */
  *snapshotParts(): Generator<SnapshotPart> {
    yield* this.handles.snapshotParts();
    yield* this.states.snapshotParts();
    yield* this.persons.snapshotParts();
    yield* this.identifiers.snapshotParts();
    const handles = Int32Array.from(this.flags.keys());
    yield { name: 'flags.person', i32: handles };
    yield { name: 'flags.json', strings: [...this.flags.values()].map(flagsJson) };
  }

  /**
   * The index a snapshot holds: `matching` as `MatchEngine.loadIndex` read it, the rest from
   * `snapshotParts`'s. Refused (SnapshotError `format`) when a part is missing or malformed.
   */
  static fromSnapshot(engine: MatchEngine, matching: MatchIndex, parts: NationalParts) {
    const flags = new Map<number, ViewFlag[] | PersonViews<ViewFlag[]>>();
    const persons = parts.i32('flags.person');
    const json = parts.strings('flags.json');
    if (persons.length !== json.length) throw malformed('flag persons and flags disagree');
    persons.forEach((p, i) => flags.set(p, parseFlags(json[i] as string)));
    const index = new NationalIndex(engine, {
      restored: {
        matching,
        handles: MemberHandles.fromSnapshot(parts),
        states: StateArena.fromSnapshot(parts),
        persons: PersonMembers.fromSnapshot(parts),
        flags,
        identifiers: ExactIdentifierIndex.fromSnapshot(parts),
      },
    });
    if (index.states.liveCount !== matching.size)
      throw malformed(`${index.states.liveCount} states for ${matching.size} nominals`);
    return index;
  }

  get nominalCount(): number {
    return this.matching.size;
  }

  get personCount(): number {
    return this.persons.size;
  }

  /** Adds or replaces a live nominal; `encoded` is its state as stored, if at hand. */
  upsertNominal(key: MemberKey, state: NominalState, encoded?: Uint8Array) {
    const h = this.handles.intern(key);
    const before = this.states.get(h);
    this.identifiers.replace(
      h,
      before ? identifierKeysOf(NominalState.decode(before)) : [],
      identifierKeysOf(state),
    );
    this.states.set(h, encoded ?? NominalState.encode(state).finish());
    this.restriction.held(h, state);
    // The interned key: the matching index keeps the string it is given.
    return this.matching.add(this.handles.keyOf(h), nominalAsMatchInput(state));
  }

  /**
   * Fills the empty index with nominals as stored: each in its person's cluster, with the stored
   * links (MatchIndex.restore: nothing scored, so the clusters are exactly the stored persons).
   * A nominal comes with its state decoded, or (a batch's, normalised already) with only the
   * facts the index keeps of it (`NominalFacts`), so that its state is not decoded again.
   */
  restore(nominals: Iterable<RestoredNominal>, links: Iterable<RestoredLink>): void {
    this.matching.restore(this.filedAll(nominals), links);
  }

  /**
   * `restore`, handing the event loop back between slices (`MatchIndex.restoreInSlices`): for a
   * load while the process is live (a standby's, a reload behind the index a leader answers
   * from). Nothing may touch this index until the promise settles.
   */
  restoreInSlices(
    nominals: Iterable<RestoredNominal>,
    links: Iterable<RestoredLink>,
    sliceMs?: number,
  ): Promise<void> {
    return this.matching.restoreInSlices(this.filedAll(nominals), links, sliceMs);
  }

  /**
   * `restore` a nominal at a time (`MatchIndex.restoring`): `add` each, then `finish` with the
   * links; the caller may pause between nominals, and nothing else may change the index meanwhile.
   * With a batch's `keys`, the nominals must be that batch's records, in its order.
   */
  restoring(keys?: RecordKeys): {
    add(n: RestoredNominal): void;
    finish(links: Iterable<RestoredLink>): void;
  } {
    const matching = this.matching.restoring(keys);
    return {
      add: (n) => matching.add(this.filed(n)),
      finish: (links) => matching.finish(links),
    };
  }

  /** `filed`, nominal by nominal as the matching index takes them. */
  private *filedAll(nominals: Iterable<RestoredNominal>): Generator<RestoredRecord> {
    for (const n of nominals) yield this.filed(n);
  }

  /** A restored nominal's state, restriction and identifiers held; its record for matching. */
  private filed(n: RestoredNominal): RestoredRecord {
    const h = this.handles.intern(n.key);
    this.states.set(h, n.encoded);
    const id = this.handles.keyOf(h);
    if (n.state === undefined) {
      this.restriction.heldRestricted(h, n.facts.restricted);
      this.identifiers.add(h, n.facts.identifierKeys);
      return { id, cluster: n.personId, normalised: n.normalised };
    }
    this.restriction.held(h, n.state);
    this.identifiers.add(h, identifierKeysOf(n.state));
    return n.normalised
      ? { id, cluster: n.personId, normalised: n.normalised }
      : { id, cluster: n.personId, input: nominalAsMatchInput(n.state) };
  }

  /**
   * Restores persons in place as stored (a snapshot brought up to date: `replayOnto`): the
   * `gone` members are taken out; `records` (every live member of the persons concerned, with
   * its stored state) are restored with the stored `links` (MatchIndex.restoreSome); every
   * `concerned` person's members are listed again from `persons` (the stored memberships) and
   * its flags set again from `flags` (none: a person without flags, or gone).
   */
  replacePersons(r: ReplacedPersons): void {
    const { states, identifiers, handles } = this;
    const decodedKeys = (h: number): string[] => {
      const before = states.get(h);
      return before ? identifierKeysOf(NominalState.decode(before)) : [];
    };
    for (const k of r.gone) {
      const h = handles.get(k);
      if (h === undefined) continue;
      identifiers.remove(h, decodedKeys(h));
      states.delete(h);
      this.restriction.dropped(h);
    }
    const records = r.records.map((n) => {
      const h = handles.intern(n.key);
      identifiers.replace(h, decodedKeys(h), identifierKeysOf(n.state));
      states.set(h, n.encoded);
      this.restriction.held(h, n.state);
      return { id: handles.keyOf(h), input: nominalAsMatchInput(n.state), cluster: n.personId };
    });
    this.matching.restoreSome(r.gone, records, r.links);
    for (const p of r.concerned) for (const m of this.membersOf(p)) this.detach(m);
    for (const k of r.gone) this.detach(k);
    for (const m of r.persons) this.setMembership(m.personId, m.seq, m.key);
    for (const p of r.concerned) this.setFlags(p, r.flags.get(p) ?? new Map<string, ViewFlag[]>());
  }

  removeNominal(key: MemberKey) {
    const h = this.handles.get(key);
    if (h !== undefined) {
      const before = this.states.get(h);
      if (before) this.identifiers.remove(h, identifierKeysOf(NominalState.decode(before)));
      this.states.delete(h);
      this.restriction.dropped(h);
      this.releaseIfUnused(h);
    }
    return this.matching.remove(key);
  }

  /**
   * The live nominals holding exactly the online identifier with this canonical key
   * (`onlineIdentifierKey`), however many share it, in no set order.
   */
  holdersOf(identifierKey: string): MemberKey[] {
    return this.identifiers.holdersOf(identifierKey).map((h) => this.handles.keyOf(h));
  }

  /**
   * The persons whose live nominals hold exactly the online identifier with this canonical key
   * (CheckIdentifiers), each once, in the order their first holder is posted: its members that
   * hold it (in posting order), and whether `recipient` may see one of them (its own force's, or
   * not handling code C: `maySee` on `handled`). A holder naming no person is left out. Integer
   * work per holder (handles, the person column, the restriction byte): nothing is decoded,
   * scored or copied but the holders' key strings and the persons' ids, already held.
   */
  identifierPersons(identifierKey: string, recipient: string): IdentifierPerson[] {
    const byPerson = new Map<number, IdentifierPerson>();
    const out: IdentifierPerson[] = [];
    const own = `${recipient}:`;
    for (const h of this.identifiers.holdersOf(identifierKey)) {
      const p = this.persons.personOfMember(h);
      if (p < 0) continue;
      const key = this.handles.keyOf(h);
      const visible = key.startsWith(own) || !this.restriction.restricted(h, this.states.get(h));
      let person = byPerson.get(p);
      if (person === undefined) {
        person = { personId: this.persons.idOf(p), holders: [], visible: false };
        byPerson.set(p, person);
        out.push(person);
      }
      person.holders.push(key);
      person.visible ||= visible;
    }
    return out;
  }

  /**
   * The live nominals among `keys`, with their states (withdrawn and unknown ones left out).
   * States already in `decoded` (views of this index, taken in the same synchronous section)
   * are reused, and those decoded here are added to it.
   */
  views(
    keys: Iterable<MemberKey>,
    decoded = new Map<MemberKey, MemberView>(),
  ): Map<MemberKey, MemberView> {
    return this.read(keys, decoded, (k, encoded) => ({
      ...splitMemberKey(k),
      state: NominalState.decode(encoded),
    }));
  }

  /**
   * As `views`, with only what disclosure and alert routing read of each state (`MemberFacts`:
   * its handling and registrations), decoded alone: the rest of the stored bytes is skipped.
   */
  facts(
    keys: Iterable<MemberKey>,
    decoded = new Map<MemberKey, MemberFacts>(),
  ): Map<MemberKey, MemberFacts> {
    return this.read(keys, decoded, (k, encoded) => ({
      ...splitMemberKey(k),
      state: disclosureFactsOf(encoded),
    }));
  }

  /**
   * A member as ranking an answer needs it (`maySee`): whose it is and whether it is handling
   * code C, from the per-handle column instead of its state. Not a live nominal: restricted, as
   * a member whose state is not at hand is everywhere (nothing says it may be shared).
   */
  handled(key: MemberKey): Handled {
    const h = this.handles.get(key);
    const restricted = h === undefined || this.restriction.restricted(h, this.states.get(h));
    return {
      forceCode: key.slice(0, key.indexOf(':')),
      state: restricted ? RESTRICTED : SHAREABLE,
    };
  }

  /**
   * A live nominal's state as stored (protobuf), for an answer to splice as it is: a view of the
   * index's arena, never written again (a later upsert stores the new state elsewhere).
   */
  storedState(key: MemberKey): Uint8Array | undefined {
    const h = this.handles.get(key);
    return h === undefined ? undefined : this.states.get(h);
  }

  /** The live nominals among `keys`, each decoded once (reusing and filling `decoded`). */
  private read<V>(
    keys: Iterable<MemberKey>,
    decoded: Map<MemberKey, V>,
    decode: (key: MemberKey, encoded: Uint8Array) => V,
  ): Map<MemberKey, V> {
    const out = new Map<MemberKey, V>();
    for (const k of keys) {
      if (out.has(k)) continue;
      const encoded = this.storedState(k);
      if (!encoded) continue;
      let v = decoded.get(k);
      if (v === undefined) decoded.set(k, (v = decode(k, encoded)));
      out.set(k, v);
    }
    return out;
  }

  personOfMember(key: MemberKey): string | undefined {
    const h = this.handles.get(key);
    const p = h === undefined ? -1 : this.persons.personOfMember(h);
    return p < 0 ? undefined : this.persons.idOf(p);
  }

  membersOf(personId: string): MemberKey[] {
    const p = this.persons.handle(personId);
    if (p === undefined) return [];
    return this.persons.membersOf(p).map((h) => this.handles.keyOf(h));
  }

  ageOf(personId: string): number {
    const p = this.persons.handle(personId);
    return (p === undefined ? undefined : this.persons.seqOf(p)) ?? Number.MAX_SAFE_INTEGER;
  }

  hasPerson(personId: string): boolean {
    const p = this.persons.handle(personId);
    return p !== undefined && this.persons.has(p);
  }

  /** The person's flags as `recipient` may see them: those of its view, never the national ones. */
  /** Whether some view of the person holds a flag (else `flagsFor` gives no one any). */
  isFlagged(personId: string): boolean {
    const p = this.persons.handle(personId);
    return p !== undefined && this.flags.has(p);
  }

  flagsFor(personId: string, recipient: string): ViewFlag[] {
    const p = this.persons.handle(personId);
    const views = p === undefined ? undefined : this.flags.get(p);
    if (!views) return [];
    if (Array.isArray(views)) return views;
    return views.get(viewOf(recipient, views)) ?? [];
  }

  /** Candidates for a query, scored and explained (nothing is added). */
  match(input: MatchInput, maxResults: number) {
    return this.matching.match(input, maxResults);
  }

  /**
   * CheckPerson's candidates, strongest first, at most `maxResults`: what the engine scores at
   * POSSIBLE or better, and the exact holders of the query's identifiers whatever the learned
   * weights make of them (`exactIdentifierFloor`, docs/hub.md "Exact identifiers in a query"):
   * every nominal holding one of its valid PNC IDs or CRO numbers (from the engine's
   * exact-custody-id blocks), and every nominal holding one of its online identifiers of a kind
   * the engine compares, when at most EXACT_ONLINE_HOLDERS hold it (from the exact
   * online-identifier index). Nothing is added.
   */
  check(input: MatchInput, maxResults: number, explain = true): ScoredCandidate[] {
    const online = new Set<MemberKey>();
    for (const o of input.onlineIdentifiers ?? []) {
      const key = comparedIdentifierKey(o);
      if (key === undefined || this.identifiers.holderCount(key) > EXACT_ONLINE_HOLDERS) continue;
      for (const h of this.identifiers.holdersOf(key)) online.add(this.handles.keyOf(h));
    }
    const bits = this.matching.thresholdBits;
    const out: ScoredCandidate[] = [];
    for (const c of this.matching.query(input, online, explain)) {
      const answered = exactIdentifierFloor(c, online.has(c.id), bits);
      if (answered.band !== undefined) out.push(answered);
    }
    out.sort((x, y) => y.score - x.score);
    return out.slice(0, maxResults);
  }

  /**
   * At load, from the stored memberships: `key` names `personId` (created at `seq`) and is
   * listed among its members. A key naming another person is detached from it first.
   */
  setMembership(personId: string, seq: number, key: MemberKey): void {
    const p = this.persons.intern(personId);
    this.persons.setSeq(p, seq);
    const h = this.handles.intern(key);
    const was = this.persons.personOfMember(h);
    if (was >= 0 && was !== p) this.persons.detach(h);
    this.persons.attach(h, p);
  }

  /** Applies a committed assignment (new person ids carry their creation seq). */
  applyAssignment(a: PersonAssignment, seqOf: ReadonlyMap<string, number>): void {
    for (const [id, s] of seqOf) this.persons.setSeq(this.persons.intern(id), s);
    for (const m of a.unassign) this.detach(m);
    for (const [m, personId] of a.assign) {
      this.detach(m);
      this.persons.attach(this.handles.intern(m), this.persons.intern(personId));
    }
    for (const personId of [...a.retired, ...a.merged.map((x) => x.from)]) {
      const p = this.persons.handle(personId);
      if (p === undefined) continue;
      this.persons.drop(p);
      this.flags.delete(p);
    }
  }

  /** A person's flags per view; views without flags are kept while a C owner's view differs. */
  setFlags(personId: string, views: PersonViews<ViewFlag[]>): void {
    const only = views.size === 1 ? views.get(PUBLIC_VIEW) : undefined;
    if ([...views.values()].every((f) => f.length === 0)) {
      const p = this.persons.handle(personId);
      if (p !== undefined) this.flags.delete(p);
    } else this.flags.set(this.persons.intern(personId), only ?? views);
  }

  private detach(m: MemberKey): void {
    const h = this.handles.get(m);
    if (h === undefined) return;
    this.persons.detach(h);
    this.releaseIfUnused(h);
  }

  /** A key neither live nor naming a person gives its handle back. */
  private releaseIfUnused(h: number): void {
    if (!this.states.has(h) && this.persons.personOfMember(h) < 0) this.handles.release(h);
  }
}
