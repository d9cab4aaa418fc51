export * from './data-source.factory';
export * from './database-url';
export * from './ensure-database';
export * from './transaction';
export * from './combined-statement';
export * from './provision';
export * from './database-errors';
export * from './copy-rows';
