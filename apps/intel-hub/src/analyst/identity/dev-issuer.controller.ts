import type { IncomingMessage } from 'node:http';
import { Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { z } from 'zod';
import { readJsonBody } from '../http/json-body';
import { ProblemError, invalidRequest } from '../http/problem';
import { fieldErrors } from '../http/request-validation';
import { PublicEndpoint } from '../http/route-spec';
import { demoUser } from './demo-users';
import { DevIssuer } from './dev-issuer';

const tokenRequest = z.strictObject({ sub: z.string().max(64) });

/**
 * The development issuer's endpoints (only with ANALYST_DEV_ISSUER=true): its JWKS, and a token
 * for a demonstration user named by `sub`, for no one else.
 */
@Controller('dev-oidc')
@PublicEndpoint()
export class DevIssuerController {
  constructor(@Inject(DevIssuer) private readonly issuer: DevIssuer) {}

  @Get('jwks.json')
  jwks() {
    return this.issuer.jwks();
  }

  @Post('token')
  @HttpCode(200)
  async token(@Req() req: IncomingMessage) {
    const r = tokenRequest.safeParse(await readJsonBody(req));
    if (!r.success) throw invalidRequest(fieldErrors(r.error, 'body'));
    const user = demoUser(r.data.sub);
    if (!user) throw new ProblemError(403, 'not a demonstration user of the development issuer');
    return {
      access_token: await this.issuer.mint(user),
      token_type: 'Bearer',
      expires_in: 8 * 3600,
    };
  }
}
