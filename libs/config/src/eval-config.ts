import { resolve } from 'node:path';

/**
 * The FEBRL 1–3 benchmark files (`dataset1.csv` … `dataset3.csv`) that `eval:matching` scores
 * the engine on are public data but not part of the repository: data is kept out of it.
 * `FEBRL_DIR` names their folder (a relative path is taken from the repository root); without
 * it, the folder where this project's machines keep them, beside the checkout
 * (docs/contracts.md, "Configuration"). This default is the one path outside the repository
 * that the repository names (tools/repository-references.ts).
 */
export const FEBRL_DIR_DEFAULT = '../shared/data/febrl';

/** The FEBRL folder to read, as an absolute path. */
export function febrlDir(
  repoRoot: string,
  env: Record<string, string | undefined> = process.env,
): string {
  return resolve(repoRoot, env['FEBRL_DIR'] || FEBRL_DIR_DEFAULT);
}
