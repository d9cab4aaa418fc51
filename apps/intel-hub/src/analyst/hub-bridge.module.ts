import { Global, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { AuditLog } from '@intel/audit';
import { DataSource } from 'typeorm';
import { AlertFeed } from '../alerts/alert-feed';
import { HubMetrics } from '../hub.metrics';
import { HUB_LOGGER, HubConfigToken } from '../hub.tokens';
import { ConsultationAudit } from '../query/consultation-audit';
import { IntelQueryService } from '../query/intel-query.service';
import { NationalStoreRepository } from '../resolution/national-store.repository';
import { ResolutionService } from '../resolution/resolution.service';
import { ReviewService } from '../review/review.service';

/**
 * The hub's services the analysts' API uses: the same instances as the gRPC path (one national
 * index, one disclosure implementation, one audit chain), taken from the hub application.
 * Add a token here to make another hub service injectable in the analysts' API.
 */
export const FROM_HUB = [
  HubConfigToken,
  HUB_LOGGER,
  HubMetrics,
  DataSource,
  AuditLog,
  ConsultationAudit,
  IntelQueryService,
  NationalStoreRepository,
  ResolutionService,
  ReviewService,
  AlertFeed,
] as const;

@Global()
@Module({})
export class HubBridgeModule {
  static forRoot(hub: INestApplication): DynamicModule {
    const providers = FROM_HUB.map((token) => ({ provide: token, useValue: hub.get(token) }));
    return { module: HubBridgeModule, providers, exports: [...FROM_HUB] };
  }
}
