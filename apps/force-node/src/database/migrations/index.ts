import { ForceNodeInitial1764300000000 } from './1764300000000-force-node-initial';
import { OutboxPriority1765300000000 } from './1765300000000-outbox-priority';
import { OutboxOnePendingIndex1765600000001 } from './1765600000001-outbox-one-pending-index';
import { CandidateKeysOnNominal1765700000000 } from './1765700000000-candidate-keys-on-nominal';
import { OutboxEventIdNotIndexed1765700000001 } from './1765700000001-outbox-event-id-not-indexed';

/** Every migration, in order. The node runs them at start (libs/db openDatabase). */
export const FORCE_NODE_MIGRATIONS = [
  ForceNodeInitial1764300000000,
  OutboxPriority1765300000000,
  OutboxOnePendingIndex1765600000001,
  CandidateKeysOnNominal1765700000000,
  OutboxEventIdNotIndexed1765700000001,
];
