/**
 * The repository explains itself (docs/engineering.md, "The repository explains itself"): no
 * tracked file may send its reader to a document outside the repository. The design notes that
 * the code follows are written down in docs/ (contracts.md, domain.md, engineering.md, …); a
 * reference to a planning document kept beside the checkout is a dead end for anyone who has
 * only the repository.
 *
 * The names are assembled from parts so that this file does not trip its own rule.
 */
const OUTSIDE_DOCUMENTS = ['DESIGN', 'DOMAIN', 'STYLE'].join('|');
const SIBLING_FOLDER = ['..', 'shared'].join('/');

/**
 * The one path outside the repository that may be named: the FEBRL benchmark files'
 * default folder (`FEBRL_DIR`, docs/contracts.md "Configuration"). Data stays out of the
 * repository, so `eval:matching` needs a default place to look for it. Only the folder itself
 * is allowed, not anything inside it (a README there is as unreadable as any other outside
 * document).
 */
const ALLOWED_DATA_FOLDER = new RegExp(
  `${escape(`${SIBLING_FOLDER}/data/febrl`)}(?![\\w/.-])`,
  'g',
);

const RULES: ReadonlyArray<{ pattern: RegExp; what: string }> = [
  { pattern: new RegExp(escape(SIBLING_FOLDER) + '\\b'), what: 'a path into the sibling folder' },
  { pattern: /(?<![\w.])shared\/data\b/, what: 'a path into the sibling data folder' },
  { pattern: new RegExp(`\\b(?:${OUTSIDE_DOCUMENTS})\\.md\\b`), what: 'an outside document' },
  {
    pattern: new RegExp(`\\b(?:${OUTSIDE_DOCUMENTS})\\s*(?:§|")`),
    what: 'a section of an outside document',
  },
];

export interface OutsideReference {
  path: string;
  line: number;
  text: string;
  what: string;
}

/**
 * Every line of `files` that points outside the repository, skipping the paths in `exceptions`.
 * Pure: the caller reads the files.
 */
export function findOutsideReferences(
  files: ReadonlyArray<{ path: string; text: string }>,
  exceptions: ReadonlySet<string> = new Set(),
): OutsideReference[] {
  const found: OutsideReference[] = [];
  for (const file of files) {
    if (exceptions.has(file.path)) continue;
    file.text.split('\n').forEach((raw, i) => {
      const text = raw.replace(ALLOWED_DATA_FOLDER, '');
      const rule = RULES.find((r) => r.pattern.test(text));
      if (rule) found.push({ path: file.path, line: i + 1, text: raw.trim(), what: rule.what });
    });
  }
  return found;
}

function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
