import { forceName } from '@intel/config';
import { HandlingCode } from '@intel/contracts';
import type { z } from 'zod';
import type { ViewFlag } from '../../flags/view-flags.repository';
import type { PairEnd } from '../../review/pair-view';
import type { QueueItem } from '../../review/review.service';
import { enumName, stateJson } from '../persons/person-json';
import type { queueItemSchema, reviewRecordSchema } from './review.routes';

/** A person's flag in the user's view, as the API shows flags. */
function viewFlagJson(f: ViewFlag) {
  return {
    type: enumName(f.type, 'FLAG_TYPE_'),
    reason: f.reason,
    raisedAt: f.raisedAt.toISOString(),
    evidence: f.evidence.map((e) => ({ forceCode: e.forceCode, entity: e.entity, id: e.id })),
  };
}

/** One record of a pair, whole (the queue holds only pairs the user's force may see). Pure. */
export function reviewRecordJson(end: PairEnd): z.output<typeof reviewRecordSchema> {
  const { view } = end;
  return {
    forceCode: view.forceCode,
    forceName: forceName(view.forceCode),
    nominalId: view.nominalId,
    ...(end.personId ? { nationalPersonId: end.personId } : {}),
    flags: end.flags.map(viewFlagJson),
    handlingCode: enumName(
      view.state.handling?.handlingCode ?? HandlingCode.HANDLING_CODE_P,
      'HANDLING_CODE_',
    ),
    ...stateJson(view.state),
  };
}

export function queueItemJson(item: QueueItem): z.output<typeof queueItemSchema> {
  return {
    pairId: item.pairId,
    score: item.score,
    band: enumName(item.band, 'MATCH_BAND_') as 'CERTAIN' | 'PROBABLE' | 'POSSIBLE',
    firstSeen: item.firstSeen,
    lastSeen: item.lastSeen,
    unsure: item.unsure,
    a: reviewRecordJson(item.a),
    b: reviewRecordJson(item.b),
  };
}
