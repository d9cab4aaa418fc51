import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** One file of the analysts' page, held in memory. */
export interface PageAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function asset(body: Buffer, name: string): PageAsset {
  const ext = name.slice(name.lastIndexOf('.'));
  return {
    body,
    contentType: TYPES[ext] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

/**
 * The page's files by the name they are served under (relative to /analyst/): index.html, the
 * compiled modules and the stylesheet from `dir` (dist/…/analyst/page/web, made by the build),
 * and cytoscape from node_modules as vendor/cytoscape.min.js. Read once at start; only these
 * names are served, so no request path ever reaches the file system.
 */
export function loadPageAssets(dir: string = join(__dirname, 'web')): Map<string, PageAsset> {
  const assets = new Map<string, PageAsset>();
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      if (/^[a-z0-9-]+\.(html|js|css)$/.test(name)) {
        assets.set(name, asset(readFileSync(join(dir, name)), name));
      }
    }
  }
  const cytoscape = require.resolve('cytoscape/dist/cytoscape.min.js');
  assets.set('vendor/cytoscape.min.js', asset(readFileSync(cytoscape), cytoscape));
  return assets;
}

/** The asset a request path under /analyst/ names ('' and '/' are the page itself). */
export function assetName(path: string): string {
  const p = path.replace(/^\/+/, '');
  return p === '' ? 'index.html' : p;
}
