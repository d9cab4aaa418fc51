/**
 * Size bounds on submitted records. They keep one request from exhausting memory or storage,
 * and are generous for real records (a person rarely has more than a handful of aliases).
 */
export const LIMITS = {
  sourceSystem: 64,
  sourceRecordId: 128,
  names: 20,
  givenNames: 6,
  namePart: 100,
  identifiers: 20,
  identifierValue: 64,
  onlineIdentifiers: 50,
  onlineIdentifierValue: 512,
  platform: 64,
  addresses: 20,
  addressLine: 200,
  town: 100,
  handlingConditions: 1000,
  visorRef: 32,
  offenceCodes: 20,
  platforms: 20,
  subjects: 50,
  summary: 2000,
  sharedReference: 64,
  reason: 500,
  /** Source records merged into one published nominal (a hub refuses a state with more). */
  nominalSources: 10_000,
  /** Ids of published entities (nominal, incident, subject references). */
  entityId: 128,
} as const;
