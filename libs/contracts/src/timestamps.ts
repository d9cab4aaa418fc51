import type { Timestamp } from './generated/google/protobuf/timestamp';

export function timestampFromDate(d: Date): Timestamp {
  const ms = d.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

export function timestampToDate(t: Timestamp | undefined | null): Date | undefined {
  if (t == null || (t.seconds === 0 && t.nanos === 0)) return undefined;
  return new Date(t.seconds * 1000 + Math.floor(t.nanos / 1_000_000));
}
