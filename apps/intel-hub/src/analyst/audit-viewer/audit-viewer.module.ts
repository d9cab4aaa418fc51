import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import type { HubConfig } from '@intel/config';
import type { Logger } from '@intel/observability';
import { DataSource } from 'typeorm';
import { HubConfigToken } from '../../hub.tokens';
import { NationalStoreRepository } from '../../resolution/national-store.repository';
import { ANALYST_LOGGER } from '../analyst.tokens';
import { AuditReader } from './audit-reader';
import { AuditViewerController } from './audit-viewer.controller';
import { AuditViewerService } from './audit-viewer.service';

/** The auditors' screen: its controller, and the log read as the auditor role (audit-reader.ts). */
@Module({
  controllers: [AuditViewerController],
  providers: [
    {
      provide: AuditReader,
      useFactory: (config: HubConfig, logger: Logger) => new AuditReader(config.database, logger),
      inject: [HubConfigToken, ANALYST_LOGGER],
    },
    {
      provide: AuditViewerService,
      useFactory: (
        reader: AuditReader,
        ds: DataSource,
        store: NationalStoreRepository,
        config: HubConfig,
      ) => new AuditViewerService(reader, ds, store, new Set(config.analyst.nationalAuditorForces)),
      inject: [AuditReader, DataSource, NationalStoreRepository, HubConfigToken],
    },
  ],
})
export class AuditViewerModule implements OnModuleInit {
  constructor(
    @Inject(AuditReader) private readonly reader: AuditReader,
    @Inject(ANALYST_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    if (!this.reader.configured)
      this.logger.warn(
        { component: 'audit-viewer' },
        'the audit viewer is off (503): set DATABASE_AUDITOR_PASSWORD so the hub can read the audit as the auditor role',
      );
  }
}
