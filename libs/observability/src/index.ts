export * from './logger';
export * from './metrics';
export * from './metrics.controller';
export * from './readiness-probe';
export * from './certificate-expiry';
