import type { MemberKey } from './member-key';

/**
 * Small integer handles for member keys, so that the national index's per-nominal columns are
 * typed arrays indexed by handle and each key string is held once (the string the matching index
 * keeps too: callers pass `keyOf(handle)` on to it). A released handle is reused.
 */
export class MemberHandles {
  private readonly handleOf = new Map<MemberKey, number>();
  /** Key per handle; '' for a released handle (a packed array of strings). */
  private readonly keys: MemberKey[] = [];
  private readonly released: number[] = [];

  /** The key's handle, if it has one. */
  get(key: MemberKey): number | undefined {
    return this.handleOf.get(key);
  }

  /** The key's handle, given one if it has none. */
  intern(key: MemberKey): number {
    let h = this.handleOf.get(key);
    if (h !== undefined) return h;
    h = this.released.pop() ?? this.keys.length;
    this.keys[h] = key;
    this.handleOf.set(key, h);
    return h;
  }

  keyOf(handle: number): MemberKey {
    return this.keys[handle] as MemberKey;
  }

  /** The handle is free for another key (the caller holds nothing under it any more). */
  release(handle: number): void {
    this.handleOf.delete(this.keys[handle] as MemberKey);
    this.keys[handle] = '';
    this.released.push(handle);
  }

  /** One past the highest handle ever given. */
  get limit(): number {
    return this.keys.length;
  }
}
