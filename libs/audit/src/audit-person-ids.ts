/**
 * The national persons an audit entry names, by the convention every audited action follows
 * (docs/analyst.md, "Audit viewer"): every string member `nationalPersonId` or `personId`, at
 * any depth of the entry's request or response. Stored beside the entry in `audit_log.person_ids`
 * (not hashed: the chain verifier recomputes it from the hashed request and response, so a
 * column that disagrees with them is reported as a break), where the auditors' screen finds
 * "who consulted this person" through a plain GIN index.
 *
 * Exactly what the SQL function AUDIT_PERSON_IDS_FUNCTION gives for the stored jsonb, its
 * jsonpath's lax mode included: a member whose value is an array counts each string directly in
 * that array (not in arrays nested in it). `audit-person-ids.int-spec.ts` holds the two equal on
 * generated documents.
 *
 * Read from the canonical JSON the entry is stored and hashed as (canonicalJson: no whitespace,
 * keys as JSON.stringify writes them), not by walking the object: a writer has that text
 * already, and a scan for the two keys costs a few microseconds where the database's four
 * jsonpath walks cost 40–75. In compact JSON a member `"personId":` can only start right after
 * `{` or `,` (inside a string every `"` is escaped), which is what tells a key from text that
 * merely contains the name.
 */
export function auditPersonIds(requestJson: string, responseJson: string): string[] {
  const found = new Set<string>();
  for (const json of [requestJson, responseJson]) {
    for (const key of KEYS) collect(json, key, found);
  }
  // Code-unit order, without repeats: the same list from the same entry, whoever computes it.
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The SQL function the backfill and the fill trigger use (AuditPersonIds1765700000000), and that
 * the auditors' first index was built on: the same ids from the stored jsonb, four jsonpath
 * walks. Kept for rows written without the column (an older hub during a rolling deploy, SQL
 * typed by hand).
 */
export const AUDIT_PERSON_IDS_FUNCTION = `
      CREATE OR REPLACE FUNCTION audit_person_ids(request jsonb, response jsonb) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT v ORDER BY v), '{}'::text[]) FROM (
          SELECT pg_catalog.jsonb_path_query(d,
                   'lax $.** ? (@.type() == "object").nationalPersonId ? (@.type() == "string")') #>> '{}'
          FROM (VALUES (request), (response)) AS t(d)
          UNION ALL
          SELECT pg_catalog.jsonb_path_query(d,
                   'lax $.** ? (@.type() == "object").personId ? (@.type() == "string")') #>> '{}'
          FROM (VALUES (request), (response)) AS t(d)
        ) AS s(v)
      $$`;

const KEYS = ['"nationalPersonId":', '"personId":'];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

function collect(json: string, key: string, found: Set<string>): void {
  for (let at = json.indexOf(key); at !== -1; at = json.indexOf(key, at + key.length)) {
    const before = json.charCodeAt(at - 1);
    if (before !== OPEN_BRACE && before !== COMMA) continue;
    const value = at + key.length;
    const first = json.charCodeAt(value);
    if (first === QUOTE) {
      found.add(JSON.parse(json.slice(value, stringEnd(json, value))) as string);
    } else if (first === OPEN_BRACKET) {
      // Lax mode: the strings directly in the array (rare; parsed, not scanned).
      for (const item of JSON.parse(json.slice(value, arrayEnd(json, value))) as unknown[]) {
        if (typeof item === 'string') found.add(item);
      }
    }
  }
}

/** The index just past the JSON string that opens at `open` (its quote). */
function stringEnd(json: string, open: number): number {
  for (let i = open + 1; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  throw new SyntaxError('audit person ids: unterminated string');
}

/** The index just past the JSON array that opens at `open` (its bracket). */
function arrayEnd(json: string, open: number): number {
  let depth = 0;
  for (let i = open; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(json, i) - 1;
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) depth++;
    else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      if (--depth === 0) return i + 1;
    }
  }
  throw new SyntaxError('audit person ids: unterminated array');
}
