export * from './config';
export * from './env-schema';
export * from './force-codes';
export * from './hub-config';
