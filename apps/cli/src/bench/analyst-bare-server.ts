import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Controller, Get, HttpCode, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';

/** A small JSON answer: what a search that found nobody looks like. */
const EMPTY_SEARCH = { results: [], auditRef: '0' };

/** The analysts' routes of the bench, answered at once without reading anything. */
@Controller('api/v1')
class BareController {
  @Post('persons/search')
  @HttpCode(200)
  search(): object {
    return EMPTY_SEARCH;
  }

  @Get('persons/:personId')
  dossier(@Param('personId') personId: string): object {
    return { nationalPersonId: personId, flags: [], holdings: [], auditRef: '0' };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

/**
 * The analyst bench's ceiling: the same framework (Nest 11 on express) with the same security
 * headers (helmet) and JSON body parsing as the analysts' API, routes of the same paths and
 * methods answering a small JSON at once (no token check, no consultation, no index, no audit).
 * Run as its own process with the hub's node flags; prints {"port": N} when listening.
 */
async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(BareModule, {
    logger: false,
    bodyParser: false,
  });
  app.use(helmet());
  app.useBodyParser('json', { limit: '64kb' });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
