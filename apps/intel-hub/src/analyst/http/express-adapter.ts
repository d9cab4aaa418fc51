import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { FrontHandler } from './direct-route';

/**
 * A constructor of `Base`'s objects that are born with `prototype` (whose chain leads to
 * Base.prototype). Node's IncomingMessage and ServerResponse are constructor functions, not
 * classes, so they can initialise an object that `new` made with another prototype.
 */
export function bornWith<C extends new (...args: never[]) => object>(
  Base: C,
  prototype: object,
): C {
  const init = Base as unknown as (this: object, ...args: unknown[]) => void;
  function Born(this: object, ...args: unknown[]): void {
    init.apply(this, args);
  }
  Born.prototype = prototype;
  // Typed as Base for http.createServer, which only ever calls `new` on it.
  return Born as unknown as C;
}

/**
 * Nest's express adapter, with the HTTP server's request and response objects born with
 * express's prototypes. express gives every request and response its own prototype as it
 * arrives (Object.setPrototypeOf in app.handle); in V8 that rebuilds each object's shape, and
 * much of what a request allocates then outlives it: under the analyst bench a third of a bare
 * express route's allocation survived each young-generation collection (15-18 ms pauses; plain
 * node:http: nothing survived, pauses under 1 ms), and at 1M persons the hub's collections were
 * 11% of its time. Born with those prototypes, express's call finds nothing to change. Plain
 * HTTP only (TLS is terminated in front of the API, as for the hub's other HTTP port).
 */
export class PrototypedExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options.httpsOptions || options.forceCloseConnections) {
      super.initHttpServer(options);
      return;
    }
    const app = this.getInstance<{ request: object; response: object }>();
    this.httpServer = createServer(
      {
        IncomingMessage: bornWith<typeof IncomingMessage>(IncomingMessage, app.request),
        ServerResponse: bornWith<typeof ServerResponse>(ServerResponse, app.response),
      },
      this.getInstance(),
    );
  }

  /**
   * Gives `front` each request first (a direct route, direct-route.ts); what it does not answer
   * goes to express as before. Without one, express is the server's listener itself.
   */
  serveFirst(front: FrontHandler): void {
    const app = this.getInstance<(req: IncomingMessage, res: ServerResponse) => void>();
    const server = this.getHttpServer() as ReturnType<typeof createServer>;
    server.removeListener('request', app);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!front(req, res)) app(req, res);
    });
  }
}
