import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, HttpCode, Module, Param, Post, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { readJsonBody } from '../../../intel-hub/src/analyst/http/json-body';
import { PrototypedExpressAdapter } from '../../../intel-hub/src/analyst/http/express-adapter';
import { configureAnalystHttp } from '../../../intel-hub/src/analyst/http/http-setup';

/** The analysts' routes of the bench, answered with a small JSON without reading anything. */
@Controller('api/v1')
class BareController {
  @Post('persons/search')
  @HttpCode(200)
  async search(@Req() req: IncomingMessage): Promise<object> {
    // The body is read as the analysts' API reads it (bounded, UTF-8 checked, parsed).
    await readJsonBody(req);
    return { results: [], auditRef: '0' };
  }

  @Get('persons/:personId')
  dossier(@Param('personId') personId: string): object {
    return { nationalPersonId: personId, flags: [], holdings: [], auditRef: '0' };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

/**
 * The analyst bench's ceiling: the analysts' API's framework and middleware without its work.
 * Nest 11 on express with the API's own adapter (express-adapter.ts), set up by its configureAnalystHttp (no body parser, the simple
 * query parser, the security headers, no-store and correlation id; the body read by the API's
 * own bounded reader), with routes of the same paths and methods answering a small JSON
 * at once: no token check, no consultation, no validation, no index, no audit. Run as its own
 * process with the hub's node flags; prints {"port": N} when listening.
 */
async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(
    BareModule,
    new PrototypedExpressAdapter(),
    { logger: false, bodyParser: false },
  );
  configureAnalystHttp(app);
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
