import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The browser loads these modules as they are: a relative import without its .js is a 404.
// And the page's HTML carries no inline script or style (CSP script-src 'self').
describe("the analysts' page sources", () => {
  const dir = join(__dirname, 'web');
  const modules = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));

  it.each(modules)('%s imports siblings by their .js name', (file) => {
    const src = readFileSync(join(dir, file), 'utf8');
    const specifiers = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
    const bad = specifiers.filter((s) => s.startsWith('.') && !s.endsWith('.js'));
    expect(bad).toEqual([]);
    // Type-only imports of packages are erased; a value import of a package cannot load.
    const packages = [...src.matchAll(/^import (?!type )[^;]*from '([^.][^']*)'/gm)].map(
      (m) => m[1],
    );
    expect(packages).toEqual([]);
  });

  it('index.html has no inline script, style or event handler', () => {
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });
});
