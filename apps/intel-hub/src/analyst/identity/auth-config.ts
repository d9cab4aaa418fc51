import { Controller, Inject, Module, type DynamicModule } from '@nestjs/common';
import type { HubConfig } from '@intel/config';
import { HubConfigToken } from '../../hub.tokens';
import { AnalystRoute } from '../http/route-spec';
import { demoUsersJson } from './demo-users';
import { DevIssuer } from './dev-issuer';
import { DevIssuerController } from './dev-issuer.controller';
import { GET_AUTH_CONFIG } from './identity.routes';

@Controller()
export class AuthConfigController {
  constructor(@Inject(HubConfigToken) private readonly config: HubConfig) {}

  @AnalystRoute(GET_AUTH_CONFIG)
  authConfig() {
    const { oidc, devIssuer } = this.config.analyst;
    return {
      issuer: oidc.issuer,
      audience: oidc.audience,
      dev: devIssuer.enabled,
      ...(oidc.clientId ? { clientId: oidc.clientId, scope: oidc.scope } : {}),
      ...(devIssuer.enabled ? { tokenUrl: '/dev-oidc/token', demoUsers: demoUsersJson() } : {}),
    };
  }
}

/** Sign-in: the auth configuration, and the development issuer's endpoints when it is on. */
@Module({})
export class SignInModule {
  static forRoot(dev: DevIssuer | undefined): DynamicModule {
    return {
      module: SignInModule,
      controllers: [AuthConfigController, ...(dev ? [DevIssuerController] : [])],
      providers: dev ? [{ provide: DevIssuer, useValue: dev }] : [],
    };
  }
}
