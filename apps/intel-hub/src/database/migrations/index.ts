import { IntelHubInitial1764400000000 } from './1764400000000-intel-hub-initial';
import { AuditLog1764500000000, AuditPersonIds1765700000000 } from '@intel/audit';
import { NationalIndex1764600000000 } from './1764600000000-national-index';
import { MatchingParameters1764700000000 } from './1764700000000-matching-parameters';
import { AlertConsultedBy1764800000000 } from './1764800000000-alert-consulted-by';
import { PersonFlagView1764950000000 } from './1764950000000-person-flag-view';
import { ResolutionResilience1764960000000 } from './1764960000000-resolution-resilience';
import { PersonViewUnderived1764970000000 } from './1764970000000-person-view-underived';
import { AnalystConsultation1765000000000 } from './1765000000000-analyst-consultation';
import { AuditViewerIndexes1765100000000 } from './1765100000000-audit-viewer-indexes';
import { AlertAcknowledgement1765100000001 } from './1765100000001-alert-acknowledgement';
import { MatchReview1765120000000 } from './1765120000000-match-review';
import { Deconfliction1765200000000 } from './1765200000000-deconfliction';
import { ImmediateRisk1765300000000 } from './1765300000000-immediate-risk';
import { DeconflictionHitAudited1765400000000 } from './1765400000000-deconfliction-hit-audited';
import { IndexCommit1765500000000 } from './1765500000000-index-commit';
import { ConsumerOffsets1765600000000 } from './1765600000000-consumer-offsets';
import { AuditPersonIdsIndex1765700000001 } from './1765700000001-audit-person-ids-index';
import { AuditPersonIdsNoPendingList1765800000000 } from './1765800000000-audit-person-ids-no-pending-list';

/** Every migration, in order. The hub runs them at start (libs/db openDatabase). */
export const INTEL_HUB_MIGRATIONS = [
  IntelHubInitial1764400000000,
  AuditLog1764500000000,
  NationalIndex1764600000000,
  MatchingParameters1764700000000,
  AlertConsultedBy1764800000000,
  PersonFlagView1764950000000,
  ResolutionResilience1764960000000,
  PersonViewUnderived1764970000000,
  AnalystConsultation1765000000000,
  AuditViewerIndexes1765100000000,
  AlertAcknowledgement1765100000001,
  MatchReview1765120000000,
  Deconfliction1765200000000,
  ImmediateRisk1765300000000,
  DeconflictionHitAudited1765400000000,
  IndexCommit1765500000000,
  ConsumerOffsets1765600000000,
  AuditPersonIds1765700000000,
  AuditPersonIdsIndex1765700000001,
  AuditPersonIdsNoPendingList1765800000000,
];
