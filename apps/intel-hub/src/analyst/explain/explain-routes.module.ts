import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IntelQueryService } from '../../query/intel-query.service';
import { NationalStoreRepository } from '../../resolution/national-store.repository';
import { ResolutionService } from '../../resolution/resolution.service';
import { AnalystAudit } from '../audit/analyst-audit';
import { AuditedRead } from './audited-read';
import { ExplainController } from './explain.controller';
import { ExplainService } from './explain.service';
import { ExportController } from './export.controller';

/** Link explanation, a person's links and network, and exports (docs/analyst.md). */
@Module({
  controllers: [ExplainController, ExportController],
  providers: [
    {
      provide: ExplainService,
      useFactory: (ds: DataSource, store: NationalStoreRepository, r: ResolutionService) =>
        new ExplainService(ds, store, r),
      inject: [DataSource, NationalStoreRepository, ResolutionService],
    },
    {
      provide: AuditedRead,
      useFactory: (audit: AnalystAudit, query: IntelQueryService) => new AuditedRead(audit, query),
      inject: [AnalystAudit, IntelQueryService],
    },
  ],
})
export class ExplainRoutesModule {}
