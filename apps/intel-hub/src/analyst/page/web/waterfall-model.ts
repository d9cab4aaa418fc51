// The explanation waterfall's geometry (Splink-style match weights): the prior, one bar per
// field from the running total before it to the one after, the total, and the thresholds.
// Pure: unit-tested; waterfall.ts draws it.
import type { FullExplanation } from './types.js';

export interface WaterfallRow {
  kind: 'prior' | 'field' | 'total';
  label: string;
  level?: string;
  /** The step: from the running total before it to the one after. */
  weight: number;
  /** Its parts: the level's weight and the term-frequency adjustment. */
  levelWeight?: number;
  tfAdjustment?: number;
  from: number;
  to: number;
}

export interface WaterfallModel {
  rows: WaterfallRow[];
  min: number;
  max: number;
  thresholds: { link: number; possible: number; certain?: number } | undefined;
  total: number;
}

const num = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

export function waterfallModel(
  e: Pick<FullExplanation, 'prior' | 'steps' | 'total' | 'thresholds'>,
): WaterfallModel {
  const prior = num(e.prior);
  const rows: WaterfallRow[] = [
    { kind: 'prior', label: 'Prior', weight: prior, from: 0, to: prior },
  ];
  let running = prior;
  for (const s of e.steps ?? []) {
    const weight = num(s.weight, num(s.levelWeight) + num(s.tfAdjustment));
    const to =
      typeof s.running === 'number' && Number.isFinite(s.running) ? s.running : running + weight;
    rows.push({
      kind: 'field',
      label: s.field,
      level: s.level,
      weight: to - running,
      levelWeight: s.levelWeight,
      tfAdjustment: s.tfAdjustment,
      from: running,
      to,
    });
    running = to;
  }
  const total = num(e.total, running);
  rows.push({ kind: 'total', label: 'Total', weight: total, from: 0, to: total });
  const values = rows.flatMap((r) => [r.from, r.to]);
  if (e.thresholds) values.push(e.thresholds.link, e.thresholds.possible);
  if (e.thresholds?.certain !== undefined) values.push(e.thresholds.certain);
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const pad = Math.max(0.5, (hi - lo) * 0.05);
  return {
    rows,
    min: Math.floor(lo - pad),
    max: Math.ceil(hi + pad),
    thresholds: e.thresholds,
    total,
  };
}

/** Value to x within [0, width]. */
export function scaleX(
  m: Pick<WaterfallModel, 'min' | 'max'>,
  width: number,
): (v: number) => number {
  const span = m.max - m.min || 1;
  return (v) => ((v - m.min) / span) * width;
}

/** Tick values every `step` units between min and max (integers, including 0). */
export function ticks(m: Pick<WaterfallModel, 'min' | 'max'>, maxTicks = 10): number[] {
  const span = m.max - m.min;
  const step = Math.max(1, Math.ceil(span / maxTicks));
  const out: number[] = [];
  for (let v = Math.ceil(m.min / step) * step; v <= m.max; v += step) out.push(v);
  return out;
}
