import type { FieldName } from '../compare/fields';
import type { MatchInput } from '../model/match-input';
import { normaliseRecord } from './record.normaliser';
import { withQueryTokens } from './token-ids';

/**
 * What the engine compares of a record, field by field (FIELDS' names), in the normalised form
 * it compares, written for people: to show two records side by side beside their waterfall.
 * A field the record lacks is an empty list (it compares as a null).
 */
export type ComparedValues = Record<FieldName, string[]>;

const ONLINE_LABEL: Readonly<Record<string, string>> = {
  USERNAME: 'username',
  EMAIL: 'e-mail',
  PHONE: 'phone',
  PROFILE_URL: 'profile',
  PLATFORM_USER_ID: 'user id',
  DEVICE_ID: 'device',
};

/** Texts only (a query: nothing it reads is interned, `withQueryTokens`). */
export function comparedValues(input: MatchInput): ComparedValues {
  const r = withQueryTokens(() => normaliseRecord(input));
  const dob = r.dob;
  return {
    given: unique(r.names.map((n) => n.given.join(' ')).filter((g) => g !== '')),
    family: unique(r.names.map((n) => n.family).filter((f) => f !== '')),
    dob: dob
      ? [
          [dob.year, dob.month, dob.day]
            .filter((x) => x > 0)
            .map((x, i) => pad(x, i))
            .join('-'),
        ]
      : [],
    custodyId: r.custodyIds.map((i) => `${i.scheme} ${i.value}`),
    nationalId: r.nationalIds.map((i) => `${i.scheme} ${i.value}`),
    online: r.online.map(onlineLabel),
    address: r.addresses.map((a) =>
      [[a.houseNumber, a.street].filter((x) => x !== '').join(' '), a.line2, a.town, a.postcode]
        .filter((x) => x !== '')
        .join(', '),
    ),
    region: unique(r.addresses.map((a) => a.region).filter((x) => x !== '')),
    sex: r.sex === '' ? [] : [r.sex],
  };
}

/** `PHONE:+447700900123` as `phone +447700900123`; a username keeps its platform. */
function onlineLabel(key: string): string {
  const i = key.indexOf(':');
  const kind = key.slice(0, i);
  return `${ONLINE_LABEL[kind] ?? kind.toLowerCase()} ${key.slice(i + 1)}`;
}

function pad(x: number, i: number): string {
  return i === 0 ? String(x) : String(x).padStart(2, '0');
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
