import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// nest-cli.json describes the monorepo as Nest's tooling sees it (`nest build <app>`,
// `nest start <app> --watch`): every app and lib is a project, and what each names exists.
const ROOT = join(__dirname, '..');

interface Project {
  type: 'application' | 'library';
  root: string;
  sourceRoot: string;
  entryFile: string;
  compilerOptions?: { tsConfigPath?: string };
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
});
