/** Union–find over 0..n-1 with each set's members listed (small sets merged into large). */
export class DisjointSets {
  private readonly parent: Int32Array;
  private readonly members: (number[] | undefined)[];

  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.members = new Array<number[] | undefined>(n);
    for (let i = 0; i < n; i++) {
      this.parent[i] = i;
      this.members[i] = [i];
    }
  }

  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r] ?? r;
    // Path compression.
    while (this.parent[i] !== r) {
      const next = this.parent[i] ?? r;
      this.parent[i] = r;
      i = next;
    }
    return r;
  }

  /** The members of the set rooted at `root` (empty for a non-root). */
  membersOf(root: number): readonly number[] {
    return this.members[root] ?? [];
  }

  /** Joins the sets rooted at `ra` and `rb`; returns the new root. */
  union(ra: number, rb: number): number {
    if (ra === rb) return ra;
    const ma = this.members[ra] ?? [];
    const mb = this.members[rb] ?? [];
    const [big, small, bigRoot, smallRoot] =
      ma.length >= mb.length ? [ma, mb, ra, rb] : [mb, ma, rb, ra];
    for (const x of small) big.push(x);
    this.members[smallRoot] = undefined;
    this.parent[smallRoot] = bigRoot;
    return bigRoot;
  }
}
