import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { HubConfig } from '@intel/config';
import { PinoNestLogger, type Logger } from '@intel/observability';
import { AnalystApiModule } from './analyst-api.module';
import { AnalystGuard } from './http/analyst.guard';
import { directRoute } from './http/direct-route';
import { PrototypedExpressAdapter } from './http/express-adapter';
import { ProblemFilter } from './http/problem.filter';
import { DossierController } from './persons/dossier.controller';
import { GET_DOSSIER, SEARCH_PERSONS } from './persons/persons.routes';
import { SearchController } from './persons/search.controller';
import { configureAnalystHttp } from './http/http-setup';
import { signInOrigins } from './http/security-headers';
import { DEV_ISSUER_WARNING, DevIssuer } from './identity/dev-issuer';
import { TokenVerifier } from './identity/token-verifier';

/** The running analysts' API. */
export interface AnalystApi {
  port: number;
  /** Stops taking requests; in-flight ones finish (their audit included). */
  close(): Promise<void>;
}

/**
 * Starts the analysts' HTTP API beside the hub (its own Nest application and port, its own
 * middleware), on the hub application's services. Bodies are read by the route guard (bounded,
 * after the caller is identified), not by a global body parser.
 */
export async function startAnalystApi(
  hub: INestApplication,
  config: HubConfig,
  hubLogger: Logger,
): Promise<AnalystApi> {
  const logger = hubLogger.child({ component: 'analyst-api' });
  const { oidc, devIssuer } = config.analyst;
  const dev = devIssuer.enabled
    ? await DevIssuer.create({
        ...oidc,
        ...(devIssuer.keyFile ? { keyFile: devIssuer.keyFile } : {}),
      })
    : undefined;
  if (dev) logger.warn(DEV_ISSUER_WARNING);
  const verifier = dev
    ? new TokenVerifier(dev.keySet(), oidc)
    : TokenVerifier.remote(requireJwksUrl(oidc.jwksUrl), oidc);
  const app = await NestFactory.create<NestExpressApplication>(
    AnalystApiModule.forRoot(hub, config, logger, verifier, dev),
    new PrototypedExpressAdapter(),
    { bodyParser: false, logger: new PinoNestLogger(logger) },
  );
  const adapter = app.getHttpAdapter() as PrototypedExpressAdapter;
  const middleware = configureAnalystHttp(app, dev ? [] : signInOrigins(oidc));
  // Person search and the dossier, the analysts' busiest routes, answered before express and
  // Nest's chain.
  const deps = { guard: app.get(AnalystGuard), problems: app.get(ProblemFilter), ...middleware };
  const search = app.get(SearchController);
  const dossier = app.get(DossierController);
  const direct = [
    directRoute(SEARCH_PERSONS, (req) => search.search(req), deps),
    directRoute(GET_DOSSIER, (req) => dossier.dossier(req), deps),
  ];
  adapter.serveFirst((req, res) => direct.some((route) => route(req, res)));
  await app.listen(config.analyst.port, config.analyst.host);
  const server: HttpServer = app.getHttpServer();
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeIdleConnections();
      await app.close();
    },
  };
}

function requireJwksUrl(url: string | undefined): string {
  if (!url)
    throw new Error("the analysts' API needs ANALYST_OIDC_JWKS_URL (or ANALYST_DEV_ISSUER)");
  return url;
}
