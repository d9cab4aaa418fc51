export * from './key-ids';
export * from './key-set';
export * from './keys';
export * from './sealing';
export * from './signing';
export * from './merkle';
export * from './verified-roots';
export * from './envelope';
