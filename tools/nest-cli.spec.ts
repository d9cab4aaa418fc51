import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// nest-cli.json describes the monorepo as Nest's tooling sees it (`nest build <app>`,
// `nest start <app> --watch`): every app and lib is a project, and what each names exists.
const ROOT = join(__dirname, '..');

interface Project {
  type: 'application' | 'library';
  root: string;
  sourceRoot: string;
  entryFile: string;
  compilerOptions?: {
    tsConfigPath?: string;
    assets?: { include: string; outDir: string }[];
  };
}

const config = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8')) as {
  monorepo: boolean;
  compilerOptions: { builder: string };
  projects: Record<string, Project>;
};

const dirs = (top: string) =>
  readdirSync(join(ROOT, top), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

describe('nest-cli.json', () => {
  it('is a monorepo built with tsc (no webpack bundle: the image ships dist/ as compiled)', () => {
    expect(config.monorepo).toBe(true);
    expect(config.compilerOptions.builder).toBe('tsc');
  });

  it('has every app as an application and every lib as a library, and nothing else', () => {
    const expected = [
      ...dirs('apps').map((n) => `application:apps/${n}`),
      ...dirs('libs').map((n) => `library:libs/${n}`),
    ].sort();
    const actual = Object.values(config.projects)
      .map((p) => `${p.type}:${p.root}`)
      .sort();
    expect(actual).toEqual(expected);
  });

  it('names entry files, source roots and tsconfigs that exist', () => {
    const missing: string[] = [];
    for (const [name, p] of Object.entries(config.projects)) {
      if (!existsSync(join(ROOT, p.sourceRoot))) missing.push(`${name}: ${p.sourceRoot}`);
      const entry =
        p.type === 'application' ? `${p.entryFile}.ts` : join(p.sourceRoot, `${p.entryFile}.ts`);
      if (!existsSync(join(ROOT, entry))) missing.push(`${name}: ${entry}`);
      const ts = p.compilerOptions?.tsConfigPath;
      if (p.type === 'application' && (!ts || !existsSync(join(ROOT, ts))))
        missing.push(`${name}: ${ts ?? 'no tsConfigPath'}`);
    }
    expect(missing).toEqual([]);
  });

  // npm test builds once, with `npm run build` (what the image ships), not with `nest build`:
  // these hold the two to the same output, so that building with either runs the same code.
  const apps = Object.entries(config.projects).filter(([, p]) => p.type === 'application');

  it("builds each app as `npm run build` does: tsconfig.build.json's options, into the same dist/", () => {
    for (const [name, p] of apps) {
      const path = join(ROOT, p.compilerOptions!.tsConfigPath!);
      const ts = JSON.parse(readFileSync(path, 'utf8')) as {
        extends: string;
        compilerOptions: Record<string, string>;
      };
      const at = (rel: string) => resolve(dirname(path), rel);
      expect({ name, extends: at(ts.extends) }).toEqual({
        name,
        extends: join(ROOT, 'tsconfig.build.json'),
      });
      expect({ name, options: Object.keys(ts.compilerOptions).sort() }).toEqual({
        name,
        options: ['outDir', 'rootDir', 'tsBuildInfoFile'],
      });
      expect({ name, outDir: at(ts.compilerOptions.outDir!) }).toEqual({
        name,
        outDir: join(ROOT, 'dist'),
      });
      expect({ name, rootDir: at(ts.compilerOptions.rootDir!) }).toEqual({ name, rootDir: ROOT });
    }
  });

  it("copies the analysts' page's HTML and CSS where tools/copy-page-assets.js does", () => {
    const web = 'apps/intel-hub/src/analyst/page/web';
    const hub = config.projects['intel-hub']!;
    const copied = (hub.compilerOptions?.assets ?? []).map((a) => ({
      folder: join(a.outDir, dirname(a.include)),
      from: join(hub.sourceRoot, dirname(a.include)),
      names: a.include.slice(dirname(a.include).length + 1),
    }));
    expect(copied).toEqual([{ folder: join('dist', web), from: web, names: '*.{html,css}' }]);
    // Nothing else in the page's folder that the browser would need: modules come from tsc.
    const others = readdirSync(join(ROOT, web)).filter(
      (f) => !/\.(ts|html|css)$/.test(f) && !/^tsconfig(\.build)?\.json$/.test(f),
    );
    expect(others).toEqual([]);
  });
});
