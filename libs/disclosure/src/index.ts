export * from './visibility';
export * from './views';
export * from './answers';
export * from './probe-limiter';
