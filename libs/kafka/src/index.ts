export * from './event-consumer';
export * from './event-publisher';
export * from './kafka-client';
export * from './plain-publisher';
export * from './topic-admin';
export * from './topics';
export * from './transactional-publisher';
