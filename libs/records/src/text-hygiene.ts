/**
 * Text hygiene: which characters a text field may hold at all, whatever its own format. Every
 * validator of every record and request passes every string through this one pure function
 * (through checkText), at every gRPC edge.
 *
 * Refused everywhere:
 * - NUL (PostgreSQL text and jsonb cannot hold it: it used to fail whole transactions);
 * - other C0 controls (U+0001–U+001F), DEL (U+007F) and C1 controls (U+0080–U+009F): they
 *   forge log lines, hide text in terminals and reports, and no name or reference holds one;
 * - bidirectional overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069): they make
 *   a name or reason display as something else than it is ("Trojan Source");
 * - lone surrogates (U+D800–U+DFFF not in a valid pair): not Unicode text;
 * - U+FFFD, the replacement character: protobuf decodes a string's invalid UTF-8 bytes as U+FFFD
 *   without telling anyone, so a replacement character in a request almost always stands for
 *   bytes that were not UTF-8. Refusing it refuses invalid UTF-8 instead of storing a mangled
 *   value and publishing it nationally.
 * Free-text fields (an incident summary, handling conditions, a withdrawal or justification
 * reason) may hold LF and TAB; CRLF is normalised to LF first. Nothing else is allowed anywhere.
 */

export interface TextRules {
  /** LF and TAB allowed (CRLF becomes LF). Only free-text fields meant to hold paragraphs. */
  multiline?: boolean;
}

function hex(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why `value` may not be stored, as a message that names the offending character by its code
 * point (never the text itself), or undefined when it is clean. Pure.
 */
export function textProblem(value: string, rules: TextRules = {}): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue; // printable ASCII: the common case, fast
    if (c === 0) return 'contains a NUL control character (U+0000)';
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      if (rules.multiline && (c === 0x0a || c === 0x09)) continue;
      return `contains a control character (${hex(c)})`;
    }
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
      return `contains a bidirectional override or isolate (${hex(c)})`;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i += 1;
        continue;
      }
      return 'contains a lone surrogate (unpaired surrogates are not valid Unicode)';
    }
    if (c >= 0xdc00 && c <= 0xdfff)
      return 'contains a lone surrogate (unpaired surrogates are not valid Unicode)';
    if (c === 0xfffd)
      return 'contains U+FFFD (invalid UTF-8 is replaced by it when decoded): send valid UTF-8';
  }
  return undefined;
}

/** The text as it is checked and stored: CRLF → LF in multi-line fields, otherwise unchanged. */
export function normaliseLineEnds(value: string, rules: TextRules = {}): string {
  return rules.multiline ? value.replace(/\r\n/g, '\n') : value;
}
