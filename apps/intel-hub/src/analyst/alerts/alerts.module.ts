import { Module } from '@nestjs/common';
import { AlertInboxService } from './alert-inbox.service';
import { AlertsController } from './alerts.controller';

/** The alerts inbox: the hub's alert table, as the hub's own role. */
@Module({
  controllers: [AlertsController],
  providers: [AlertInboxService],
})
export class AlertsModule {}
