import type { Sql } from '@intel/db';

/**
 * The nominals holding each candidate key (`blk:`, same-person.matcher.ts), in memory
 * (docs/force-node.md, "Candidate keys in memory"). Each nominal's candidate keys are stored as
 * one array on its row (`nominal.candidate_keys`), stamped from the sequence
 * `nominal_candidate_keys_seq` (`candidate_keys_seq`) whenever they are written; intake writes
 * them only under the intake lock, so once it holds the lock every stamp below the sequence's
 * position is committed or rolled back, and reading the rows stamped after the last one seen
 * brings this replica's copy up to date (all of them at the first intake after a start, the
 * rows another replica wrote since then, and this replica's own writes once committed).
 *
 * A transaction's own writes are not in that copy until they commit: they live in its
 * `CandidateKeyView`, which later chunks of the same transaction read through, and which
 * savepoints roll back.
 */
export class CandidateKeyIndex {
  private readonly holders = new Map<string, string[]>();
  private readonly keysOf = new Map<string, readonly string[]>();
  /** The highest stamp applied (a bigint as text); undefined before the first load. */
  private seen: bigint | undefined;
  private readonly views = new WeakMap<Sql, CandidateKeyView>();

  /** Nominals held in memory (for tests and the start-up log). */
  get size(): number {
    return this.keysOf.size;
  }

  /**
   * The transaction's view. Must be called under the intake lock (it reads what other
   * transactions committed since the last call and applies it to the shared copy).
   */
  async open(tx: Sql): Promise<CandidateKeyView> {
    const existing = this.views.get(tx);
    if (existing) return existing;
    await this.catchUp(tx);
    const view = new CandidateKeyView(this);
    this.views.set(tx, view);
    return view;
  }

  /** The undo position of the transaction's view (0 if it has none yet), for a savepoint. */
  mark(tx: Sql): number {
    return this.views.get(tx)?.mark() ?? 0;
  }

  /** After `ROLLBACK TO SAVEPOINT`: forgets what the view took in since `mark`. */
  rollbackTo(tx: Sql, mark: number): void {
    this.views.get(tx)?.rollbackTo(mark);
  }

  private async catchUp(tx: Sql): Promise<void> {
    const rows = await tx.query<
      Array<{ id: string; candidate_keys: string[]; candidate_keys_seq: string }>
    >(
      `SELECT id, candidate_keys, candidate_keys_seq FROM nominal
        WHERE candidate_keys_seq > $1 ORDER BY candidate_keys_seq`,
      [(this.seen ?? 0n).toString()],
    );
    for (const r of rows) this.apply(r.id, r.candidate_keys);
    const last = rows[rows.length - 1];
    if (last) this.seen = BigInt(last.candidate_keys_seq);
    else this.seen ??= 0n;
  }

  /** Committed holders of `key` (shared copy). */
  committedHolders(key: string): readonly string[] {
    return this.holders.get(key) ?? [];
  }

  /** Sets a nominal's committed keys (an empty list removes it). Exposed for the catch-up and tests. */
  apply(nominalId: string, keys: readonly string[]): void {
    for (const k of this.keysOf.get(nominalId) ?? []) {
      const list = this.holders.get(k);
      if (!list) continue;
      const at = list.indexOf(nominalId);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) this.holders.delete(k);
    }
    if (keys.length === 0) {
      this.keysOf.delete(nominalId);
      return;
    }
    const unique = [...new Set(keys)];
    this.keysOf.set(nominalId, unique);
    for (const k of unique) {
      const list = this.holders.get(k);
      if (list) list.push(nominalId);
      else this.holders.set(k, [nominalId]);
    }
  }
}

/**
 * One transaction's reading of the candidate keys: the committed copy, overridden by the
 * nominals this transaction has written. An undo log serves savepoints.
 */
export class CandidateKeyView {
  private readonly changed = new Map<string, ReadonlySet<string>>();
  /** Nominals this transaction gave each key (stale entries are filtered by `changed`). */
  private readonly added = new Map<string, Set<string>>();
  private readonly undo: Array<[string, ReadonlySet<string> | undefined]> = [];

  constructor(private readonly committed: CandidateKeyIndex) {}

  /** Up to `cap` nominals holding `key` (a caller asking one past its limit learns it is over). */
  holders(key: string, cap: number): string[] {
    const out: string[] = [];
    for (const n of this.committed.committedHolders(key)) {
      if (out.length >= cap) return out;
      if (!this.changed.has(n)) out.push(n);
    }
    for (const n of this.added.get(key) ?? []) {
      if (out.length >= cap) return out;
      if (this.changed.get(n)?.has(key)) out.push(n);
    }
    return out;
  }

  /** The nominal's candidate keys as this transaction writes them (empty: it holds none). */
  set(nominalId: string, keys: readonly string[]): void {
    this.undo.push([nominalId, this.changed.get(nominalId)]);
    this.changed.set(nominalId, new Set(keys));
    for (const k of keys) {
      const set = this.added.get(k);
      if (set) set.add(nominalId);
      else this.added.set(k, new Set([nominalId]));
    }
  }

  mark(): number {
    return this.undo.length;
  }

  rollbackTo(mark: number): void {
    while (this.undo.length > mark) {
      const [n, before] = this.undo.pop() as [string, ReadonlySet<string> | undefined];
      if (before) this.changed.set(n, before);
      else this.changed.delete(n);
    }
  }
}
