import { Controller, Inject } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IntelQueryService } from '../../query/intel-query.service';
import { requiredJustification } from '../consultations/consultation';
import { Analyst, AnalystRoute, type AnalystRequest } from '../http/route-spec';
import { incidentJson } from './incident-json';
import { incidentPage } from './incident-page';
import { incidentStates } from './incident-states';
import { dossierJson } from './person-json';
import { GET_DOSSIER, LIST_INCIDENTS } from './persons.routes';

/**
 * Reads through IntelQueryService with the analyst as the caller: the gRPC path's disclosure
 * rules and audit (one GetPerson entry per read, with the user's identity and consultation).
 */
@Controller()
export class DossierController {
  constructor(
    @Inject(IntelQueryService) private readonly query: IntelQueryService,
    @Inject(DataSource) private readonly ds: DataSource,
  ) {}

  @AnalystRoute(GET_DOSSIER)
  async dossier(@Analyst() req: AnalystRequest<typeof GET_DOSSIER>) {
    const person = await this.query.getPerson(
      { nationalPersonId: req.params.personId, justification: requiredJustification(req) },
      req.caller,
    );
    return dossierJson(person);
  }

  /**
   * The incidents GetPerson lists for this caller (those it may see), a page at a time; each
   * page is a read of the person, audited as one.
   */
  @AnalystRoute(LIST_INCIDENTS)
  async incidents(@Analyst() req: AnalystRequest<typeof LIST_INCIDENTS>) {
    const person = await this.query.getPerson(
      { nationalPersonId: req.params.personId, justification: requiredJustification(req) },
      req.caller,
    );
    const { page, nextCursor } = incidentPage(person.incidents, req.query.cursor, req.query.limit);
    const states = await incidentStates(this.ds, page);
    return {
      items: page.map((k) => incidentJson(k, states.get(`${k.forceCode}/${k.id}`))),
      nextCursor,
      auditRef: person.auditRef,
    };
  }
}
