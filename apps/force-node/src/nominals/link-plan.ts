/** A record of the chunk that needs linking (new, changed, or re-submitted after withdrawal). */
export interface LinkItem {
  /** Position in the chunk. */
  index: number;
  keys: string[];
  /** The nominal a changed record already belongs to: it stays there. */
  currentNominalId?: string;
}

export interface LinkGroup {
  /** Chunk positions of the records in this group, ascending. */
  items: number[];
  /** Existing nominals the group touches, oldest first; the first survives, the rest merge into it. */
  nominals: string[];
}

class UnionFind {
  private readonly parent = new Map<string, string>();

  find(x: string): string {
    let root = x;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root))
      root = p;
    // Path compression.
    for (let cur = x; cur !== root;) {
      const next = this.parent.get(cur) ?? root;
      this.parent.set(cur, root);
      cur = next;
    }
    if (!this.parent.has(root)) this.parent.set(root, root);
    return root;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

/**
 * Groups a chunk's records with each other and with existing nominals: records sharing a key
 * (with each other or with a nominal) belong together, and every nominal a group touches merges
 * into the oldest. Pure, so the decision can be tested without a database.
 */
export function planLinks(
  items: LinkItem[],
  nominalsByKey: ReadonlyMap<string, readonly string[]>,
  nominalCreatedAt: ReadonlyMap<string, number>,
): LinkGroup[] {
  const uf = new UnionFind();
  const firstItemByKey = new Map<string, string>();
  for (const item of items) {
    const node = `r:${item.index}`;
    uf.find(node);
    if (item.currentNominalId) uf.union(node, `n:${item.currentNominalId}`);
    for (const key of item.keys) {
      for (const n of nominalsByKey.get(key) ?? []) uf.union(node, `n:${n}`);
      const first = firstItemByKey.get(key);
      if (first) uf.union(first, node);
      else firstItemByKey.set(key, node);
    }
  }
  const groups = new Map<string, LinkGroup>();
  const nominalsSeen = new Set<string>();
  const addNominal = (n: string) => {
    const root = uf.find(`n:${n}`);
    const g = groups.get(root);
    if (g && !nominalsSeen.has(n)) {
      nominalsSeen.add(n);
      g.nominals.push(n);
    }
  };
  for (const item of items) {
    const root = uf.find(`r:${item.index}`);
    const g = groups.get(root) ?? { items: [], nominals: [] };
    g.items.push(item.index);
    groups.set(root, g);
  }
  for (const item of items) {
    if (item.currentNominalId) addNominal(item.currentNominalId);
    for (const key of item.keys) for (const n of nominalsByKey.get(key) ?? []) addNominal(n);
  }
  for (const g of groups.values()) {
    g.nominals.sort(
      (a, b) => (nominalCreatedAt.get(a) ?? 0) - (nominalCreatedAt.get(b) ?? 0) || (a < b ? -1 : 1),
    );
  }
  return [...groups.values()];
}
