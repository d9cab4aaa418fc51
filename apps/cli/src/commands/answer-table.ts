import { Disclosure, type Holding, type Match } from '@intel/contracts';
import { forceName } from '@intel/config';
import { textTable } from '../text-table';

const short = (value: string, prefix: string) =>
  value.startsWith(prefix) ? value.slice(prefix.length).toLowerCase().replace(/_/g, ' ') : value;

/** A holding as one cell: the force and its nominal, or that a restricted record exists. */
function holdingCell(h: Holding): string {
  const force = `${forceName(h.forceCode)} (${h.forceCode})`;
  return h.disclosure === Disclosure.DISCLOSURE_HIT_ONLY
    ? `${force}: restricted record, contact ${h.contact || 'the force'}`
    : `${force} ${h.nominalId}`;
}

/**
 * A query's matches as an officer reads them at a terminal: one row per national person with
 * its band, score, flags and the forces holding records (`--json` gives the whole answer).
 */
export function matchesTable(matches: readonly Match[]): string[] {
  if (matches.length === 0) return ['no match'];
  return textTable(
    ['person', 'band', 'score', 'flags', 'held by'],
    matches.map((m) => [
      m.nationalPersonId,
      short(String(m.band), 'MATCH_BAND_'),
      m.score.toFixed(1),
      m.flags.map((f) => short(String(f.type), 'FLAG_TYPE_')).join(', ') || '-',
      m.holdings.map(holdingCell).join('; '),
    ]),
  );
}
