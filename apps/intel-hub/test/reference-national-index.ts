import { NominalState } from '@intel/contracts';
import type {
  MatchEngine,
  MatchIndex,
  MatchInput,
  RestoredLink,
  ScoredCandidate,
} from '@intel/matching';
import { PUBLIC_VIEW, viewOf } from '@intel/disclosure';
import type { MemberFacts, MemberView } from '../src/flags/derive-flags';
import type { PersonViews, ViewFlag } from '../src/flags/view-flags.repository';
import { comparedIdentifierKey, identifierKeysOf } from '../src/resolution/exact-identifiers';
import { splitMemberKey, type MemberKey } from '../src/resolution/member-key';
import { disclosureFactsOf } from '../src/resolution/state-facts';
import { nominalAsMatchInput } from '../src/resolution/nominal-input';
import type { PersonAssignment } from '../src/resolution/person-assignment';
import { EXACT_ONLINE_HOLDERS, exactIdentifierFloor } from '../src/resolution/national-index';
import { ReferenceExactIdentifierIndex as ExactIdentifierIndex } from './reference-exact-identifiers';

// The national index as it was before it was compacted (a map per column, a buffer per state):
// the reference national-index.equivalence.spec.ts compares the compact one against. Not built.

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
 */
export class ReferenceNationalIndex {
  readonly matching: MatchIndex;
  private readonly personOf = new Map<MemberKey, string>();
  private readonly members = new Map<string, Set<MemberKey>>();
  private readonly seq = new Map<string, number>();
  /** Per person: its public view's flags alone (most persons), or every view's. */
  private readonly flags = new Map<string, ViewFlag[] | PersonViews<ViewFlag[]>>();
  private readonly states = new Map<MemberKey, Uint8Array>();
  private readonly identifiers = new ExactIdentifierIndex();

  constructor(readonly engine: MatchEngine) {
    // A national link needs more than a name: records sharing only a (common) name are
    // reported as POSSIBLE, never merged into one person (docs/hub.md, Known limits).
    this.matching = engine.createIndex({ corroboratedLinks: true });
  }

  get nominalCount(): number {
    return this.matching.size;
  }

  get personCount(): number {
    return this.members.size;
  }

  /** Adds or replaces a live nominal; `encoded` is its state as stored, if at hand. */
  upsertNominal(key: MemberKey, state: NominalState, encoded?: Uint8Array) {
    const before = this.states.get(key);
    this.identifiers.replace(
      key,
      before ? identifierKeysOf(NominalState.decode(before)) : [],
      identifierKeysOf(state),
    );
    // Deleted first so that the map keeps this key string, the one the matching index keeps.
    this.states.delete(key);
    this.states.set(key, encoded ?? NominalState.encode(state).finish());
    return this.matching.add(key, nominalAsMatchInput(state));
  }

  /**
   * Fills the empty index with nominals as stored: each in its person's cluster, with the stored
   * links (MatchIndex.restore: nothing scored, so the clusters are exactly the stored persons).
   */
  restore(
    nominals: Iterable<{
      key: MemberKey;
      state: NominalState;
      encoded: Uint8Array;
      personId: string;
    }>,
    links: Iterable<RestoredLink>,
  ): void {
    const { states, identifiers } = this;
    function* records() {
      for (const n of nominals) {
        states.set(n.key, n.encoded);
        identifiers.add(n.key, identifierKeysOf(n.state));
        yield { id: n.key, input: nominalAsMatchInput(n.state), cluster: n.personId };
      }
    }
    this.matching.restore(records(), links);
  }

  removeNominal(key: MemberKey) {
    const before = this.states.get(key);
    if (before) this.identifiers.remove(key, identifierKeysOf(NominalState.decode(before)));
    this.states.delete(key);
    return this.matching.remove(key);
  }

  /**
   * The live nominals holding exactly the online identifier with this canonical key
   * (`onlineIdentifierKey`), however many share it, in no set order.
   */
  holdersOf(identifierKey: string): MemberKey[] {
    return this.identifiers.holdersOf(identifierKey);
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

  /** A live nominal's state as stored (protobuf), for an answer to splice as it is. */
  storedState(key: MemberKey): Uint8Array | undefined {
    return this.states.get(key);
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
      const encoded = this.states.get(k);
      if (!encoded) continue;
      let v = decoded.get(k);
      if (v === undefined) decoded.set(k, (v = decode(k, encoded)));
      out.set(k, v);
    }
    return out;
  }

  personOfMember(key: MemberKey): string | undefined {
    return this.personOf.get(key);
  }

  membersOf(personId: string): MemberKey[] {
    return [...(this.members.get(personId) ?? [])];
  }

  ageOf(personId: string): number {
    return this.seq.get(personId) ?? Number.MAX_SAFE_INTEGER;
  }

  hasPerson(personId: string): boolean {
    return this.members.has(personId);
  }

  /** The person's flags as `recipient` may see them: those of its view, never the national ones. */
  flagsFor(personId: string, recipient: string): ViewFlag[] {
    const views = this.flags.get(personId);
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
      for (const h of this.identifiers.holdersOf(key)) online.add(h);
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

  setMembership(personId: string, seq: number, key: MemberKey): void {
    this.seq.set(personId, seq);
    this.personOf.set(key, personId);
    let set = this.members.get(personId);
    if (!set) this.members.set(personId, (set = new Set()));
    set.add(key);
  }

  /** Applies a committed assignment (new person ids carry their creation seq). */
  applyAssignment(a: PersonAssignment, seqOf: ReadonlyMap<string, number>): void {
    for (const [id, s] of seqOf) this.seq.set(id, s);
    for (const m of a.unassign) this.detach(m);
    for (const [m, p] of a.assign) {
      this.detach(m);
      this.personOf.set(m, p);
      let set = this.members.get(p);
      if (!set) this.members.set(p, (set = new Set()));
      set.add(m);
    }
    for (const p of [...a.retired, ...a.merged.map((x) => x.from)]) {
      this.members.delete(p);
      this.flags.delete(p);
    }
  }

  /** A person's flags per view; views without flags are kept while a C owner's view differs. */
  setFlags(personId: string, views: PersonViews<ViewFlag[]>): void {
    const only = views.size === 1 ? views.get(PUBLIC_VIEW) : undefined;
    if ([...views.values()].every((f) => f.length === 0)) this.flags.delete(personId);
    else this.flags.set(personId, only ?? views);
  }

  private detach(m: MemberKey): void {
    const old = this.personOf.get(m);
    if (old === undefined) return;
    this.personOf.delete(m);
    const set = this.members.get(old);
    set?.delete(m);
    if (set && set.size === 0) this.members.delete(old);
  }
}
