// Entity-resolution engine (docs/matching.md): normalise, block, score (Fellegi-Sunter with EM and
// term-frequency adjustment), cluster with a chaining guard, explain. Pure: no I/O, no Nest.
export type {
  MatchAddress,
  MatchDate,
  MatchIdentifier,
  MatchInput,
  MatchName,
  MatchOnlineIdentifier,
} from './model/match-input';
export {
  MatchEngine,
  candidatePairsOf,
  DEFAULT_MAX_BLOCK_SIZE,
  type BatchResolution,
  type MatchInputs,
  type ProgressCallback,
  type ResolveOptions,
  type TrainOptions,
} from './engine/match-engine';
export type { RecordKeys } from './block/candidate-pairs.batch';
export { DisjointSets } from './cluster/disjoint-sets';
export {
  MatchIndex,
  type AddResult,
  type ClusterChanges,
  type HeldLink,
  type PairWaterfall,
  type MatchIndexOptions,
  type PairConstraint,
  type QueryCandidate,
  type MatchRestorer,
  type RestoredLink,
  type RestoredRecord,
  type ScoredCandidate,
  type ScoredLink,
} from './engine/match-index';
export {
  decodeSnapshot,
  encodeSnapshot,
  SnapshotError,
  stringTableFrames,
  type DecodedSnapshot,
  type RawStrings,
  type SnapshotHeader,
  type SnapshotPart,
  type SnapshotProblem,
} from './engine/snapshot-frames';
export {
  codeFingerprint,
  fingerprintOfTree,
  INDEX_SNAPSHOT_VERSION,
  parametersFingerprint,
} from './engine/index-snapshot';
export {
  FellegiSunterScorer,
  logitBits,
  probabilityOf,
  type FieldEvidence,
  type MatchBandName,
  type PairScore,
} from './score/fellegi-sunter.scorer';
export {
  DEFAULT_THRESHOLDS,
  priorParameters,
  type FieldParameters,
  type MatchParameters,
} from './score/match-parameters';
export { waterfallOf, type Threshold, type Waterfall, type WaterfallStep } from './score/waterfall';
export { FIELDS, FIELD_NAMES, type FieldName } from './compare/fields';
export { RecordComparator, newComparison, type Comparison } from './compare/record.comparator';
export { grownLength } from './engine/array-growth';
export { eachInSlices, SLICE_MS } from './engine/slices';
export { flatText, tokenCount, withQueryTokens } from './normalise/token-ids';
export { TextHandles } from './engine/text-handles';
export { normaliseRecord, type NormalisedRecord } from './normalise/record.normaliser';
export { comparedValues, type ComparedValues } from './normalise/compared-values';
export {
  COMPARED_KINDS as COMPARED_ONLINE_IDENTIFIER_KINDS,
  normaliseOnlineIdentifiers,
  withNormaliserMemos,
} from './normalise/identifier.normaliser';
export {
  areNicknameEquivalent,
  foldText,
  nicknameGroups,
  normaliseFamilyName,
  normaliseGivenNames,
  phoneticCode,
} from './normalise/name.normaliser';
export { compareDates, normaliseDate, parseDateText } from './normalise/date.normaliser';
export { blockingKeys } from './block/blocking-keys';
export { parseFebrl, type LabelledRecord } from './eval/febrl.adapter';
export { blockingRecall, pairwiseMetrics, type PairwiseMetrics } from './eval/pairwise-metrics';
export {
  calibrationByBand,
  missedPairReport,
  truePairsOf,
  type BandBits,
  type BandCalibration,
  type BandLabel,
  type MissedPairs,
  type ScoredPair,
} from './eval/review-metrics';
export { mulberry32 } from './engine/prng';
