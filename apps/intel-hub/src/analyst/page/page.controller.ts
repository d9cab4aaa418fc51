import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Req, Res } from '@nestjs/common';
import { notFound } from '../http/problem';
import { PublicEndpoint } from '../http/route-spec';
import { assetName, loadPageAssets, type PageAsset } from './page-assets';

type Request = IncomingMessage & { path: string; originalUrl: string };

/**
 * The analysts' web page at /analyst/: index.html, its ES modules and stylesheet, and cytoscape
 * from node_modules, all from memory. No data in any of it: everything the page shows comes from
 * the API under /api/v1, justified and audited. The security headers (CSP script-src 'self',
 * no inline script or style) are the analyst app's, from helmet. Public: the page carries no
 * data, and logging in is the first thing it does.
 */
@Controller('analyst')
@PublicEndpoint()
export class AnalystPageController {
  private readonly assets: Map<string, PageAsset> = loadPageAssets();

  @Get()
  root(@Req() req: Request, @Res() res: ServerResponse): void {
    // Relative module URLs resolve against /analyst/, not /analyst.
    if (!req.path.endsWith('/')) {
      const q = req.originalUrl.indexOf('?');
      res.statusCode = 301;
      res.setHeader('Location', `/analyst/${q >= 0 ? req.originalUrl.slice(q) : ''}`);
      res.end();
      return;
    }
    this.send(req, res, 'index.html');
  }

  @Get('*path')
  file(@Req() req: Request, @Res() res: ServerResponse): void {
    this.send(req, res, assetName(req.path.replace(/^\/analyst\/?/, '')));
  }

  private send(req: Request, res: ServerResponse, name: string): void {
    const a = this.assets.get(name);
    if (!a) {
      throw notFound(
        name === 'index.html' ? 'the page is not built (npm run build)' : 'no such file',
      );
    }
    res.setHeader('Content-Type', a.contentType);
    res.setHeader('ETag', a.etag);
    // Always revalidated: a new build is seen at once, an unchanged file costs a 304.
    res.setHeader('Cache-Control', 'no-cache');
    if (req.headers['if-none-match'] === a.etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.setHeader('Content-Length', a.body.length);
    res.end(req.method === 'HEAD' ? undefined : a.body);
  }
}
