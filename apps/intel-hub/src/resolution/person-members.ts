import { TextHandles, type SnapshotPart } from '@intel/matching';
import { malformed, widened, type NationalParts } from './snapshot-parts';
import { withSlot } from './typed-growth';

/**
 * National persons and their members, for the national index: person ids interned once to
 * integer handles (held flat in a `TextHandles`, a byte arena: no string per id; `idOf` makes
 * it when asked; a person's handle is never released), each person's
 * creation seq in a typed array, and each person's members as a doubly linked list threaded
 * through per-member typed arrays (members are the national index's nominal handles). No object
 * per person or per member.
 *
 * The same answers as a map of member → person id beside a map of person id → Set of members:
 * members in the order they joined, a person known (`has`) while it has members, a person
 * dropped (`drop`: retired, merged away) forgetting its members while they still name it until
 * they are detached, and a creation seq kept for every person ever given one.
 */
export class PersonMembers {
  private ids = new TextHandles();
  private seq = new Float64Array(0);
  private head = new Int32Array(0);
  private tail = new Int32Array(0);
  private count = new Int32Array(0);
  /** Persons with at least one member listed. */
  private listedPersons = 0;
  /** Per member: its person (-1: none), whether it is in that person's list, and the list. */
  private personOf = new Int32Array(0);
  private listed = new Uint8Array(0);
  private next = new Int32Array(0);
  private prev = new Int32Array(0);

  get size(): number {
    return this.listedPersons;
  }

  /** The person's handle, if it has one. */
  handle(personId: string): number | undefined {
    const p = this.ids.find(personId);
    return p < 0 ? undefined : p;
  }

  /** The person's handle, given one if it has none. */
  intern(personId: string): number {
    const known = this.ids.limit;
    const p = this.ids.intern(personId);
    if (p < known) return p;
    this.seq = withSlot(this.seq, p, NaN);
    this.head = withSlot(this.head, p, -1);
    this.tail = withSlot(this.tail, p, -1);
    this.count = withSlot(this.count, p, 0);
    return p;
  }

  idOf(p: number): string {
    return this.ids.text(p);
  }

  setSeq(p: number, seq: number): void {
    this.seq[p] = seq;
  }

  /** The person's creation seq, or undefined when it was never given one. */
  seqOf(p: number): number | undefined {
    const s = this.seq[p];
    return s === undefined || Number.isNaN(s) ? undefined : s;
  }

  has(p: number): boolean {
    return (this.count[p] ?? 0) > 0;
  }

  /** The person member `m` names, or -1. */
  personOfMember(m: number): number {
    return this.personOf[m] ?? -1;
  }

  /** Member handles of `p`, in the order they joined it. */
  membersOf(p: number): number[] {
    const out: number[] = [];
    for (let m = this.head[p] ?? -1; m >= 0; m = this.next[m] as number) out.push(m);
    return out;
  }

  /**
   * `m` names `p` and is listed among its members (at the end if it is not already). `m` names
   * no other person (the caller detaches it first).
   */
  attach(m: number, p: number): void {
    this.personOf = withSlot(this.personOf, m, -1);
    this.listed = withSlot(this.listed, m, 0);
    this.next = withSlot(this.next, m, -1);
    this.prev = withSlot(this.prev, m, -1);
    this.personOf[m] = p;
    if (this.listed[m] === 1) return;
    this.listed[m] = 1;
    const last = this.tail[p] as number;
    this.prev[m] = last;
    this.next[m] = -1;
    if (last >= 0) this.next[last] = m;
    else this.head[p] = m;
    this.tail[p] = m;
    const had = this.count[p] as number;
    this.count[p] = had + 1;
    if (had === 0) this.listedPersons++;
  }

  /** `m` names no person any more, and leaves its person's list if it is in it. */
  detach(m: number): void {
    const p = this.personOf[m] ?? -1;
    if (p < 0) return;
    this.personOf[m] = -1;
    if (this.listed[m] !== 1) return;
    this.listed[m] = 0;
    const before = this.prev[m] as number;
    const after = this.next[m] as number;
    if (before >= 0) this.next[before] = after;
    else this.head[p] = after;
    if (after >= 0) this.prev[after] = before;
    else this.tail[p] = before;
    const left = (this.count[p] as number) - 1;
    this.count[p] = left;
    if (left === 0) this.listedPersons--;
  }

  /**
   * The person has no members any more (retired, merged into another); its members still name
   * it until they are detached or attached elsewhere.
   */
  drop(p: number): void {
    if ((this.count[p] ?? 0) === 0) return;
    for (let m = this.head[p] as number; m >= 0; m = this.next[m] as number) this.listed[m] = 0;
    this.head[p] = -1;
    this.tail[p] = -1;
    this.count[p] = 0;
    this.listedPersons--;
  }

  /** The persons as a snapshot's parts, exactly as held (views over the columns). */
  *snapshotParts(): Generator<SnapshotPart> {
    yield { name: 'persons.ids', strings: this.ids.textsByHandle() };
    yield { name: 'persons.listed', i32: Int32Array.of(this.listedPersons) };
    yield { name: 'persons.seq', f64: this.seq };
    yield { name: 'persons.head', i32: this.head };
    yield { name: 'persons.tail', i32: this.tail };
    yield { name: 'persons.count', i32: this.count };
    yield { name: 'members.personOf', i32: this.personOf };
    yield { name: 'members.listed', i32: widened(this.listed) };
    yield { name: 'members.next', i32: this.next };
    yield { name: 'members.prev', i32: this.prev };
  }

  /** The persons `snapshotParts` wrote. */
  static fromSnapshot(parts: NationalParts): PersonMembers {
    const out = new PersonMembers();
    try {
      out.ids = TextHandles.restoredUtf8(parts.rawStrings('persons.ids'), []);
    } catch (e) {
      throw malformed(`person ids: ${(e as Error).message}`);
    }
    out.listedPersons = parts.i32('persons.listed')[0] ?? -1;
    out.seq = parts.f64('persons.seq');
    out.head = parts.i32('persons.head');
    out.tail = parts.i32('persons.tail');
    out.count = parts.i32('persons.count');
    out.personOf = parts.i32('members.personOf');
    out.listed = Uint8Array.from(parts.i32('members.listed'));
    out.next = parts.i32('members.next');
    out.prev = parts.i32('members.prev');
    const n = out.ids.limit;
    if (out.listedPersons < 0 || [out.seq, out.head, out.tail, out.count].some((a) => a.length < n))
      throw malformed('the person columns are shorter than the persons');
    const m = out.personOf.length;
    if ([out.listed, out.next, out.prev].some((a) => a.length !== m))
      throw malformed('the member columns disagree on their length');
    return out;
  }
}
