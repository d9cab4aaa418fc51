import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// README's "Layout" lists every app and lib, and nothing that is not there: it is the map a new
// reader starts from (docs/engineering.md, "Layout").
const ROOT = join(__dirname, '..');

function layoutBlock(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const match = /^## Layout\n+```\n([\s\S]*?)\n```/m.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no "## Layout" code block');
  return match[1];
}

describe("README's layout", () => {
  const listed = layoutBlock()
    .split('\n')
    .map((line) => /^((?:apps|libs)\/[\w-]+)\s/.exec(line)?.[1])
    .filter((p): p is string => p !== undefined);

  it('lists every app and lib in the tree', () => {
    const inTree = ['apps', 'libs'].flatMap((top) =>
      readdirSync(join(ROOT, top), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => `${top}/${d.name}`),
    );
    expect(inTree.filter((p) => !listed.includes(p))).toEqual([]);
  });

  it('lists nothing that is not in the tree', () => {
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });
});
