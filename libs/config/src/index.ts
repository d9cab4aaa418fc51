export * from './analyst-config';
export * from './config';
export * from './deconfliction-config';
export * from './env-schema';
export * from './eval-config';
export * from './event-keys';
export * from './force-codes';
export * from './hub-config';
