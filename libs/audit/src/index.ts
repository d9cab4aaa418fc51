export * from './audit-chain.verifier';
export * from './audit-entry';
export * from './audit-log';
export * from './audit-grants';
export * from './audit-migration';
export * from './bounded-text';
export * from './verify-audit-chain';
export * from './audit-anchor';
