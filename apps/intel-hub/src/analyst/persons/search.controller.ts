import { Controller, Inject } from '@nestjs/common';
import { RecordValidationError } from '@intel/records';
import { IntelQueryService } from '../../query/intel-query.service';
import { requiredJustification } from '../consultations/consultation';
import { Analyst, AnalystRoute, type AnalystRequest } from '../http/route-spec';
import { matchJson, onlineIdentifierJson } from './person-json';
import { LOOKUP_IDENTIFIERS, SEARCH_PERSONS } from './persons.routes';
import { checkIdentifiersRequest, checkPersonRequest, searchRefusal } from './search-request';

/**
 * Search and identifier look-up through IntelQueryService with the analyst as the caller: the
 * gRPC path's disclosure (hit-only for another force's C records, the probe bound) and audit
 * (one CheckPerson / CheckIdentifiers entry, with the user's identity and consultation).
 */
@Controller()
export class SearchController {
  constructor(@Inject(IntelQueryService) private readonly query: IntelQueryService) {}

  @AnalystRoute(SEARCH_PERSONS)
  async search(@Analyst() req: AnalystRequest<typeof SEARCH_PERSONS>) {
    const { request, identifierFields } = checkPersonRequest(req.body, requiredJustification(req));
    try {
      // The list shows no explanation (matchJson): the engine builds none.
      const res = await this.query.checkPerson(request, req.caller, { explanations: false });
      return { results: res.matches.map(matchJson), auditRef: res.auditRef };
    } catch (err) {
      throw err instanceof RecordValidationError ? searchRefusal(err, identifierFields) : err;
    }
  }

  @AnalystRoute(LOOKUP_IDENTIFIERS)
  async lookup(@Analyst() req: AnalystRequest<typeof LOOKUP_IDENTIFIERS>) {
    const res = await this.query.checkIdentifiers(
      checkIdentifiersRequest(req.body, requiredJustification(req)),
      req.caller,
    );
    return {
      results: res.results.map((r) => {
        const { kind, value, platform } = r.onlineIdentifier
          ? onlineIdentifierJson(r.onlineIdentifier)
          : { kind: '', value: '', platform: undefined };
        return {
          identifier: { kind, value, platform },
          matches: r.matches.map(matchJson),
          totalMatches: r.totalMatches,
          truncated: r.truncated,
        };
      }),
      auditRef: res.auditRef,
    };
  }
}
