import { flatText, type SnapshotPart } from '@intel/matching';
import type { MemberKey } from './member-key';
import { malformed, type NationalParts } from './snapshot-parts';

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
    // Held as a flat string of its own: a key is usually made by concatenation (`memberKey`).
    const held = flatText(key);
    this.keys[h] = held;
    this.handleOf.set(held, h);
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

  /** The handles as a snapshot's parts: each handle's key ('' released) and the free list. */
  *snapshotParts(): Generator<SnapshotPart> {
    yield { name: 'handles.keys', strings: this.keys };
    yield { name: 'handles.released', i32: Int32Array.from(this.released) };
  }

  /** The handles `snapshotParts` wrote: the same key under the same handle. */
  static fromSnapshot(parts: NationalParts): MemberHandles {
    const out = new MemberHandles();
    const keys = parts.strings('handles.keys');
    const released = new Set(parts.i32('handles.released'));
    keys.forEach((k, h) => {
      out.keys.push(k);
      if (released.has(h)) return;
      if (k === '' || out.handleOf.has(k)) throw malformed(`handle ${h} has key ${k}`);
      out.handleOf.set(k, h);
    });
    for (const h of parts.i32('handles.released')) {
      if (keys[h] !== '') throw malformed(`released handle ${h} holds a key`);
      out.released.push(h);
    }
    return out;
  }
}
