export * from './credentials';
export * from './health-and-reflection';
export * from './port-aware-grpc.server';
export * from './rpc-errors';
export * from './intake-client';
export * from './query-client';
export * from './deconfliction-client';
export * from './unary';
