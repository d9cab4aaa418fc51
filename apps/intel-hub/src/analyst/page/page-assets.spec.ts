import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetName, loadPageAssets } from './page-assets';

describe("the analysts' page's files", () => {
  const dir = mkdtempSync(join(tmpdir(), 'page-assets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'index.html'), '<!doctype html>');
  writeFileSync(join(dir, 'app.js'), 'export {};');
  writeFileSync(join(dir, 'style.css'), 'body{}');
  writeFileSync(join(dir, 'app.js.map'), '{}');
  writeFileSync(join(dir, '.env'), 'SECRET=1');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'x.js'), '');

  it('serves the page, its modules, its stylesheet and cytoscape; nothing else', () => {
    const assets = loadPageAssets(dir);
    expect([...assets.keys()].sort()).toEqual([
      'app.js',
      'index.html',
      'style.css',
      'vendor/cytoscape.min.js',
    ]);
    expect(assets.get('app.js')!.contentType).toBe('text/javascript; charset=utf-8');
    expect(assets.get('index.html')!.contentType).toBe('text/html; charset=utf-8');
    expect(assets.get('vendor/cytoscape.min.js')!.body.length).toBeGreaterThan(100_000);
  });

  it('tags each file by its content', () => {
    const a = loadPageAssets(dir);
    const b = loadPageAssets(dir);
    expect(a.get('app.js')!.etag).toBe(b.get('app.js')!.etag);
    expect(a.get('app.js')!.etag).not.toBe(a.get('style.css')!.etag);
  });

  it('maps request paths to names; traversal names nothing served', () => {
    expect(assetName('')).toBe('index.html');
    expect(assetName('/')).toBe('index.html');
    expect(assetName('app.js')).toBe('app.js');
    const assets = loadPageAssets(dir);
    expect(assets.has(assetName('../../package.json'))).toBe(false);
    expect(assets.has(assetName('sub/x.js'))).toBe(false);
  });
});
