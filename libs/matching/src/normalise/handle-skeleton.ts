/**
 * The skeleton of an e-mail's local part or a username: what survives a handle being copied by
 * eye or retyped. Blocking keys on its ends (block/blocking-keys.ts) and the online field's
 * `similar` level (compare/record.comparator.ts) read it.
 */
/** Characters keyed for one another when a handle is copied by eye, folded to one of each set. */
const HANDLE_FOLD: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'l',
  i: 'l',
  '3': 'e',
  '4': 'a',
  '5': 's',
};
/** Handles shorter than this (folded) are too common to block on or to call similar. */
const MIN_HANDLE = 6;

/**
 * An e-mail's local part or a username (`EMAIL:local@domain`, `USERNAME:platform:handle`),
 * folded: lower case, separators and other punctuation dropped, look-alike characters folded
 * (`l`/`1`/`i`, `o`/`0` …). `''` for other kinds and short handles.
 */
export function handleSkeleton(online: string): string {
  const handle = handleOf(online);
  let out = '';
  for (const c of handle.toLowerCase()) {
    if (!/[a-z0-9]/.test(c)) continue;
    out += HANDLE_FOLD[c] ?? c;
  }
  return out.length < MIN_HANDLE ? '' : out;
}

/**
 * The digits of a handle as keyed (`784` in `michaelsmith784@…`), unfolded: handles made of a
 * name and a number differ between people mostly in the number, so a one-edit difference between
 * skeletons counts only where the numbers agree. `''` for other kinds and handles without digits.
 */
export function handleDigits(online: string): string {
  return handleOf(online).replace(/[^0-9]/g, '');
}

/** An e-mail's local part or a username's handle; `''` for other kinds. */
function handleOf(online: string): string {
  if (online.startsWith('EMAIL:')) {
    const at = online.lastIndexOf('@');
    return online.slice('EMAIL:'.length, at < 0 ? undefined : at);
  }
  if (online.startsWith('USERNAME:')) return online.slice(online.lastIndexOf(':') + 1);
  return '';
}
