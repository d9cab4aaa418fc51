import { TextHandles, type SnapshotPart } from '@intel/matching';
import type { MemberKey } from './member-key';
import { malformed, type NationalParts } from './snapshot-parts';

/**
 * Small integer handles for member keys, so that the national index's per-nominal columns are
 * typed arrays indexed by handle. The keys are held flat in a `TextHandles` (a byte arena and an
 * open-addressing table, no object per key); `keyOf` makes the key's string when asked. A
 * released handle is reused, the most recently released first.
 */
export class MemberHandles {
  constructor(private readonly keys = new TextHandles()) {}

  /** The key's handle, if it has one. */
  get(key: MemberKey): number | undefined {
    const h = this.keys.find(key);
    return h < 0 ? undefined : h;
  }

  /** The key's handle, given one if it has none. */
  intern(key: MemberKey): number {
    return this.keys.intern(key);
  }

  /** The handle's key ('' for a released handle). */
  keyOf(handle: number): MemberKey {
    return this.keys.text(handle);
  }

  /** The handle is free for another key (the caller holds nothing under it any more). */
  release(handle: number): void {
    this.keys.release(handle);
  }

  /** One past the highest handle ever given. */
  get limit(): number {
    return this.keys.limit;
  }

  /** The handles as a snapshot's parts: each handle's key ('' released) and the free list. */
  *snapshotParts(): Generator<SnapshotPart> {
    yield { name: 'handles.keys', strings: this.keys.textsByHandle() };
    yield { name: 'handles.released', i32: Int32Array.from(this.keys.releasedHandles()) };
  }

  /** The handles `snapshotParts` wrote: the same key under the same handle. */
  static fromSnapshot(parts: NationalParts): MemberHandles {
    const keys = parts.rawStrings('handles.keys');
    const released = parts.i32('handles.released');
    try {
      // A released handle's key is '', and only a released handle's (checked as restored).
      return new MemberHandles(TextHandles.restoredUtf8(keys, released));
    } catch (e) {
      throw malformed(`member handles: ${(e as Error).message}`);
    }
  }
}
