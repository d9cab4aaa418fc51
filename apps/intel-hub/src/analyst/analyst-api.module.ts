import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import type { HubConfig } from '@intel/config';
import type { Logger } from '@intel/observability';
import { AlertsModule } from './alerts/alerts.module';
import { AnalystCoreModule } from './analyst-core.module';
import { AuditViewerModule } from './audit-viewer/audit-viewer.module';
import { CoreRoutesModule } from './core-routes.module';
import { ExplainRoutesModule } from './explain/explain-routes.module';
import { HubBridgeModule } from './hub-bridge.module';
import { SignInModule } from './identity/auth-config';
import type { DevIssuer } from './identity/dev-issuer';
import { AnalystPageModule } from './page/page.module';
import type { TokenVerifier } from './identity/token-verifier';
import { ReviewRoutesModule } from './review/review-routes.module';

/** Each area of the analysts' API is a module of its own (controllers, providers); add yours. */
const AREAS = [
  CoreRoutesModule,
  ExplainRoutesModule,
  AuditViewerModule,
  AlertsModule,
  ReviewRoutesModule,
  AnalystPageModule,
];

/**
 * The analysts' HTTP API: a second Nest application in the hub process (docs/analyst.md), whose
 * hub services are the hub application's own instances (HubBridgeModule).
 */
@Module({})
export class AnalystApiModule {
  static forRoot(
    hub: INestApplication,
    config: HubConfig,
    logger: Logger,
    verifier: TokenVerifier,
    /** The development issuer, when ANALYST_DEV_ISSUER=true. */
    dev: DevIssuer | undefined,
  ): DynamicModule {
    return {
      module: AnalystApiModule,
      imports: [
        HubBridgeModule.forRoot(hub),
        AnalystCoreModule.forRoot(config, logger, verifier),
        SignInModule.forRoot(dev),
        ...AREAS,
      ],
    };
  }
}
