export * from './local-kafka';
export { IntakeClient } from '@intel/grpc';
export * from './node-process';
export * from './outbox-pending';
export * from './records.fixture';
export * from './test-certs';
export * from './test-env';
export * from './topic-reader';
export * from './wait-for';
