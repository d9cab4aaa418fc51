// Wire contracts generated from proto/intel/v1 (npm run gen:proto). No Nest imports here
// beyond what ts-proto's nestJs output needs for the controller interfaces.
export * from './generated/intel/v1/handling';
export * from './generated/intel/v1/person';
export * from './generated/intel/v1/incident';
export * from './generated/intel/v1/nominal';
export * from './generated/intel/v1/alert';
export * from './generated/intel/v1/events';
export * from './generated/intel/v1/force_intake';
export * from './generated/intel/v1/intel_query';
export * from './generated/intel/v1/deconfliction';
export { Timestamp } from './generated/google/protobuf/timestamp';
export * from './proto-loader-options';
export * from './timestamps';
export * from './requests';
export * from './stored-details';
export * from './stored-headline';
export * from './method-codecs';
