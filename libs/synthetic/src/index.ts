// Deterministic synthetic UK offender records with ground truth, for matching evaluation.
export {
  BASE_PROFILE,
  HEAVY_PROFILE,
  FORCE_CODES,
  generatePersons,
  streamPeople,
  streamPersons,
  generateScenario,
  Rng,
  SCENARIOS,
  type CorruptionProfile,
  type GeneratedRecord,
  type GeneratorOptions,
  type PersonRecordJson,
  type ScenarioName,
} from './person.generator';
