import { ACKNOWLEDGE_ALERT, LIST_ALERTS } from '../alerts/alerts.routes';
import { LIST_AUDIT_ENTRIES, VERIFY_AUDIT } from '../audit-viewer/audit-viewer.routes';
import { OPEN_CONSULTATION } from '../consultations/consultation.routes';
import { EXPLAIN_ROUTES } from '../explain/explain.routes';
import { GET_AUTH_CONFIG, GET_ME } from '../identity/identity.routes';
import {
  GET_DOSSIER,
  LIST_INCIDENTS,
  LOOKUP_IDENTIFIERS,
  SEARCH_PERSONS,
} from '../persons/persons.routes';
import { REVIEW_ROUTES } from '../review/review.routes';
import type { RouteSpec } from './route-spec';

/**
 * Every route of the analysts' API, in the OpenAPI document's order (docs/openapi.json is
 * generated from this list: `npm run gen:openapi`). Each area adds its `*.routes.ts` specs here.
 */
export const ALL_ROUTES: readonly RouteSpec[] = [
  GET_AUTH_CONFIG,
  GET_ME,
  OPEN_CONSULTATION,
  SEARCH_PERSONS,
  LOOKUP_IDENTIFIERS,
  GET_DOSSIER,
  LIST_INCIDENTS,
  ...EXPLAIN_ROUTES,
  ...REVIEW_ROUTES,
  LIST_ALERTS,
  ACKNOWLEDGE_ALERT,
  LIST_AUDIT_ENTRIES,
  VERIFY_AUDIT,
];
