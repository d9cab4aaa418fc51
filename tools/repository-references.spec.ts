import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOutsideReferences } from './repository-references';

const ROOT = join(__dirname, '..');
// Built from parts, like the rule itself, so that this file passes its own check.
const DOC = (name: string): string => `${name}.md`;
const SIBLING = ['..', 'shared'].join('/');
const DATA = ['shared', 'data'].join('/');
const SECTION = (name: string): string => `${name} §`;

function trackedTextFiles(): Array<{ path: string; text: string }> {
  const paths = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((p) => p !== '');
  return paths.flatMap((path) => {
    let buffer: Buffer;
    try {
      buffer = readFileSync(join(ROOT, path));
    } catch {
      return []; // deleted in the working tree, not yet committed
    }
    return buffer.includes(0) ? [] : [{ path, text: buffer.toString('utf8') }];
  });
}

describe('no tracked file points outside the repository', () => {
  it('finds none in this checkout', () => {
    const files = trackedTextFiles();
    expect(files.length).toBeGreaterThan(100);
    const found = findOutsideReferences(files).map(
      (r) => `${r.path}:${r.line}: ${r.what}: ${r.text}`,
    );
    expect(found).toEqual([]);
  });

  it.each([
    [`see ${DOC('DESIGN')} §3`],
    [`(${DOC('DOMAIN')}, Identifiers)`],
    [`// Config once (${DOC('STYLE')} "Config once")`],
    [`WatchAlerts (${SECTION('DESIGN')}3): a force alerts`],
    [`per ${'STYLE'} "Thin edges"`],
    [`read from ${SIBLING}/data/febrl/README.md`],
    [`the notes in ${SIBLING}/notes.txt`],
    [`see ${DATA}/febrl/README.md`],
  ])('refuses %p', (line) => {
    expect(findOutsideReferences([{ path: 'x.ts', text: `ok\n${line}\n` }])).toEqual([
      expect.objectContaining({ path: 'x.ts', line: 2 }),
    ]);
  });

  it.each([
    [`const FEBRL_DIR_DEFAULT = '${SIBLING}/data/febrl';`],
    ['docs/domain.md, "Identifiers"'],
    ['const STYLE: cytoscape.StylesheetJson = ['],
    ['THE DESIGN DOCUMENT IS docs/hub.md'],
    ['a shared/reused identifier'],
  ])('allows %p', (line) => {
    expect(findOutsideReferences([{ path: 'x.ts', text: line }])).toEqual([]);
  });

  it('skips only the named exceptions', () => {
    const text = `see ${DOC('DESIGN')}`;
    const files = [
      { path: 'a.proto', text },
      { path: 'b.proto', text },
    ];
    expect(findOutsideReferences(files, new Set(['a.proto'])).map((r) => r.path)).toEqual([
      'b.proto',
    ]);
  });
});
