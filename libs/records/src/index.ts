export * from './content-hash';
export * from './dates';
export * from './field-error';
export * from './incident-record.validator';
export * from './limits';
export * from './online-identifiers';
export * from './person-record.validator';
export * from './withdraw-request.validator';
