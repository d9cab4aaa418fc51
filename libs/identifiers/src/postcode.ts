/**
 * UK postcodes, via the `postcode` package (ideal-postcodes). The check is of format only
 * (e.g. `AA9A 9AA`): whether a postcode exists needs the ONS Postcode Directory, which is I/O.
 * `fix()` from the package is deliberately not used: it swaps O/0 and I/1, guessing at the value.
 * Non-geographic codes (GIR 0AA, BFPO) are rejected.
 */
import { parse } from 'postcode';
import { invalid, ok, type Parsed } from './result';

export interface UkPostcode {
  /** Canonical form, upper-case with one space: `SW1A 1AA`. */
  postcode: string;
  /** Outward code, `SW1A`. */
  outcode: string;
  /** Sector, `SW1A 1` — a blocking key finer than the outcode. */
  sector: string;
}

export function parsePostcode(input: string): Parsed<UkPostcode> {
  const parsed = parse(input.trim());
  if (!parsed.valid) {
    return invalid('not a UK postcode');
  }
  const { postcode, outcode, sector } = parsed;
  return ok({ postcode, outcode, sector });
}

/** Canonical `SW1A 1AA` form. */
export function normalisePostcode(input: string): Parsed<string> {
  const parsed = parsePostcode(input);
  return parsed.ok ? ok(parsed.value.postcode) : parsed;
}

/** Outward code (`SW1A`), for blocking. */
export function postcodeOutcode(input: string): Parsed<string> {
  const parsed = parsePostcode(input);
  return parsed.ok ? ok(parsed.value.outcode) : parsed;
}

/** Sector (`SW1A 1`), for blocking. */
export function postcodeSector(input: string): Parsed<string> {
  const parsed = parsePostcode(input);
  return parsed.ok ? ok(parsed.value.sector) : parsed;
}
