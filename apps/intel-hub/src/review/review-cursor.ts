/**
 * Opaque paging cursors of the review lists (base64url JSON). Pure. A cursor that does not
 * decode to the expected shape is undefined (the caller answers 400 naming `cursor`).
 */

export interface QueueCursor {
  score: number;
  pairId: string;
}

export interface JudgementCursor {
  judgedAt: Date;
  judgementId: string;
}

const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function decode(text: string): unknown {
  if (text.length > 200 || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export const queueCursor = (c: QueueCursor): string => encode({ s: c.score, p: c.pairId });

export function parseQueueCursor(text: string): QueueCursor | undefined {
  const v = decode(text) as { s?: unknown; p?: unknown } | undefined;
  if (!v || typeof v.s !== 'number' || !Number.isFinite(v.s)) return undefined;
  if (typeof v.p !== 'string' || !/^[1-9][0-9]{0,17}$/.test(v.p)) return undefined;
  return { score: v.s, pairId: v.p };
}

export const judgementCursor = (c: JudgementCursor): string =>
  encode({ t: c.judgedAt.toISOString(), j: c.judgementId });

export function parseJudgementCursor(text: string): JudgementCursor | undefined {
  const v = decode(text) as { t?: unknown; j?: unknown } | undefined;
  if (!v || typeof v.t !== 'string' || typeof v.j !== 'string') return undefined;
  const at = new Date(v.t);
  if (Number.isNaN(at.getTime()) || at.toISOString() !== v.t) return undefined;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v.j)) return undefined;
  return { judgedAt: at, judgementId: v.j };
}
