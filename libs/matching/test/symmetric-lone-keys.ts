import { blockingKeys, keyType, LONE_NAME_YEARS } from '../src/block/blocking-keys';
import type { RecordKeys } from '../src/block/candidate-pairs.batch';
import type { NormalisedRecord } from '../src/normalise/record.normaliser';

/*
 * The blocking keys with the lone-name keys one-sided and symmetric, as text: a record with a
 * single name and no date of birth filed under `ly:<code>:<year>` for every year of
 * LONE_NAME_YEARS, every record with a year under `ly:<code>:<year>` for each of its `fy` keys
 * (after all its other keys). Kept here, outside the build, as the reference the asymmetric
 * lone-name blocks (blocking-keys.ts, LONE_NAME_KEY) must give the same candidates as: 76
 * postings a lone name, where those give one.
 */
export function symmetricBlockingKeys(norm: NormalisedRecord): string[] {
  const keys = blockingKeys(norm);
  const out = keys.filter((k) => keyType(k) !== 'ly');
  const lone = keys.find((k) => keyType(k) === 'ly');
  if (lone !== undefined)
    for (let y = LONE_NAME_YEARS.from; y <= LONE_NAME_YEARS.to; y++) out.push(`${lone}:${y}`);
  else if (norm.dob)
    for (const k of keys) if (keyType(k) === 'fy') out.push(`ly${k.slice('fy'.length)}`);
  return out;
}

/**
 * RecordKeys from keys given as text (ids in first-seen order, every type 0: blocks taken as
 * they are), for the block index tests.
 */
export function keysFromText(keysPerRecord: readonly (readonly string[])[]): RecordKeys {
  const ids = new Map<string, number>();
  const keyStart = new Int32Array(keysPerRecord.length + 1);
  const keyIds: number[] = [];
  keysPerRecord.forEach((keys, i) => {
    keyStart[i] = keyIds.length;
    for (const k of keys) {
      if (!ids.has(k)) ids.set(k, ids.size);
      keyIds.push(ids.get(k) ?? -1);
    }
  });
  keyStart[keysPerRecord.length] = keyIds.length;
  return {
    keyStart,
    keyIds: Int32Array.from(keyIds),
    keyCount: ids.size,
    keyTypes: new Uint8Array(ids.size),
  };
}
