import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { HubConfig } from '@intel/config';
import type { Logger } from '@intel/observability';
import { DataSource } from 'typeorm';
import { ConsultationAudit } from '../query/consultation-audit';
import { ANALYST_LOGGER } from './analyst.tokens';
import { AnalystAudit } from './audit/analyst-audit';
import { ConsultationStore } from './consultations/consultation.store';
import { AnalystGuard } from './http/analyst.guard';
import { ProblemFilter } from './http/problem.filter';
import { RateLimiter } from './http/rate-limiter';
import { TokenVerifier } from './identity/token-verifier';

/**
 * What every area of the analysts' API shares: the guard chain and the exception filter (global
 * to the analysts' application), the token verifier, the rate limiter, the consultation store,
 * and AnalystAudit (exported: areas inject it).
 */
@Global()
@Module({})
export class AnalystCoreModule {
  static forRoot(config: HubConfig, logger: Logger, verifier: TokenVerifier): DynamicModule {
    return {
      module: AnalystCoreModule,
      providers: [
        { provide: ANALYST_LOGGER, useValue: logger },
        { provide: TokenVerifier, useValue: verifier },
        { provide: RateLimiter, useValue: new RateLimiter(config.analyst.rateLimit) },
        {
          provide: ConsultationStore,
          useFactory: (ds: DataSource) => new ConsultationStore(ds),
          inject: [DataSource],
        },
        {
          provide: AnalystAudit,
          useFactory: (audit: ConsultationAudit) => new AnalystAudit(audit),
          inject: [ConsultationAudit],
        },
        // Also by their classes: a direct route (http/direct-route.ts) runs the same instances.
        AnalystGuard,
        ProblemFilter,
        { provide: APP_GUARD, useExisting: AnalystGuard },
        { provide: APP_FILTER, useExisting: ProblemFilter },
      ],
      exports: [ANALYST_LOGGER, AnalystAudit, ConsultationStore, TokenVerifier],
    };
  }
}
