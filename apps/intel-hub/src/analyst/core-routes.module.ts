import { Module } from '@nestjs/common';
import { ConsultationsController } from './consultations/consultations.controller';
import { MeController } from './identity/me.controller';
import { DossierController } from './persons/dossier.controller';
import { SearchController } from './persons/search.controller';

/** The core routes: identity, justification, and the persons' search and dossier. */
@Module({
  controllers: [MeController, ConsultationsController, SearchController, DossierController],
})
export class CoreRoutesModule {}
