// A record as label/value rows, for comparing two records side by side (the review queue).
// Pure: unit-tested.
import { flagLabel, humanise, identifierText, nameText, stripPrefix } from './format.js';
import type { ReviewRecord } from './types.js';

export interface CompareRow {
  label: string;
  a: string;
  b: string;
  differs: boolean;
}

function rows(r: ReviewRecord): [string, string][] {
  return [
    ['Names', (r.names ?? []).map(nameText).join('; ')],
    [
      'Date of birth',
      (r.datesOfBirth?.length ? r.datesOfBirth : r.dateOfBirth ? [r.dateOfBirth] : []).join('; '),
    ],
    ['Sex', r.sex ? humanise(stripPrefix(r.sex, 'SEX_')) : ''],
    ['Identifiers', (r.identifiers ?? []).map(identifierText).join('; ')],
    ['Online', (r.onlineIdentifiers ?? []).map(identifierText).join('; ')],
    [
      'Addresses',
      (r.addresses ?? [])
        .map((a) => [a.line, a.town, a.postcode].filter(Boolean).join(', '))
        .join('; '),
    ],
    [
      'Category',
      (r.subjectCategories ?? [])
        .map((c) => humanise(stripPrefix(c, 'SUBJECT_CATEGORY_')))
        .join(', '),
    ],
    [
      'Registration',
      (r.registrations ?? [])
        .map((g) => `${g.active ? 'active' : 'ended'}, force ${g.managingForce}`)
        .join('; '),
    ],
    ['Flags now', r.flags.map((f) => flagLabel(f.type)).join(', ')],
  ];
}

/** The rows either record has, with the ones whose values differ marked (both present). */
export function compareRecords(a: ReviewRecord, b: ReviewRecord): CompareRow[] {
  const ra = rows(a);
  const rb = new Map(rows(b));
  return ra
    .map(([label, va]) => {
      const vb = rb.get(label) ?? '';
      return {
        label,
        a: va,
        b: vb,
        differs: va !== '' && vb !== '' && va.toLowerCase() !== vb.toLowerCase(),
      };
    })
    .filter((r) => r.a !== '' || r.b !== '');
}
