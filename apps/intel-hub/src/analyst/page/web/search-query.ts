// The search form's values to a searchPersons body. Pure: unit-tested. The server validates
// (PNC/CRO check letters, dates); the page only trims, drops empty fields and says when there is
// nothing to search for.
import type { SearchBody } from './types.js';

export interface SearchForm {
  given: string;
  family: string;
  dateOfBirth: string;
  pnc: string;
  cro: string;
  onlineKind: string;
  onlineValue: string;
  platform: string;
}

export const ONLINE_KINDS = [
  ['USERNAME', 'Username'],
  ['EMAIL', 'E-mail'],
  ['PHONE', 'Phone'],
  ['PROFILE_URL', 'Profile URL'],
  ['PLATFORM_USER_ID', 'Platform user id'],
  ['IP_ADDRESS', 'IP address'],
  ['DEVICE_ID', 'Device id'],
] as const;

export type SearchBuild =
  { ok: true; body: SearchBody } | { ok: false; field: string; message: string };

export function buildSearch(form: SearchForm, maxResults = 20): SearchBuild {
  const t = (s: string) => s.trim().replace(/\s+/g, ' ');
  const body: SearchBody = { maxResults };
  const given = t(form.given);
  const family = t(form.family);
  if (given || family) body.names = [{ ...(given && { given }), ...(family && { family }) }];
  const dob = t(form.dateOfBirth);
  if (dob) {
    if (!/^\d{4}(-\d{2}(-\d{2})?)?$/.test(dob)) {
      return {
        ok: false,
        field: 'dateOfBirth',
        message: 'Date of birth: YYYY, YYYY-MM or YYYY-MM-DD',
      };
    }
    body.dateOfBirth = dob;
  }
  const pnc = t(form.pnc).toUpperCase();
  if (pnc) body.pnc = pnc;
  const cro = t(form.cro).toUpperCase();
  if (cro) body.cro = cro;
  const value = form.onlineValue.trim();
  if (value) {
    const platform = t(form.platform);
    if (form.onlineKind === 'USERNAME' && !platform) {
      return { ok: false, field: 'platform', message: 'A username needs its platform' };
    }
    body.onlineIdentifiers = [{ kind: form.onlineKind, value, ...(platform && { platform }) }];
  }
  if (!body.names && !body.dateOfBirth && !body.pnc && !body.cro && !body.onlineIdentifiers) {
    return {
      ok: false,
      field: 'family',
      message: 'Give a name, a date of birth, a PNC or CRO number, or an online identifier',
    };
  }
  return { ok: true, body };
}
