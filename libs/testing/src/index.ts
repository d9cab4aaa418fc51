export * from './intake-client';
export * from './local-kafka';
export * from './node-process';
export * from './records.fixture';
export * from './test-env';
export * from './topic-reader';
export * from './wait-for';
