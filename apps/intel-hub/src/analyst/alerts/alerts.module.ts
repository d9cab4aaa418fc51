import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AlertInboxService } from './alert-inbox.service';
import { AlertsController } from './alerts.controller';

/** The alerts inbox: the hub's alert table, as the hub's own role. */
@Module({
  controllers: [AlertsController],
  providers: [
    {
      provide: AlertInboxService,
      useFactory: (ds: DataSource) => new AlertInboxService(ds),
      inject: [DataSource],
    },
  ],
})
export class AlertsModule {}
