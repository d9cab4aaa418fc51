import { Controller, Inject } from '@nestjs/common';
import { IntelQueryService } from '../../query/intel-query.service';
import { requiredJustification } from '../consultations/consultation';
import { Analyst, AnalystRoute, type AnalystRequest } from '../http/route-spec';
import { dossierJson } from './person-json';
import { GET_DOSSIER } from './persons.routes';

/**
 * Reads through IntelQueryService with the analyst as the caller: the gRPC path's disclosure
 * rules and audit (one GetPerson entry, with the user's identity and consultation).
 */
@Controller()
export class DossierController {
  constructor(@Inject(IntelQueryService) private readonly query: IntelQueryService) {}

  @AnalystRoute(GET_DOSSIER)
  async dossier(@Analyst() req: AnalystRequest<typeof GET_DOSSIER>) {
    const person = await this.query.getPerson(
      { nationalPersonId: req.params.personId, justification: requiredJustification(req) },
      req.caller,
    );
    return dossierJson(person);
  }
}
