import { Module } from '@nestjs/common';
import { AnalystPageController } from './page.controller';

/** The analysts' web page (/analyst/): static files only; its data comes from the API. */
@Module({ controllers: [AnalystPageController] })
export class AnalystPageModule {}
