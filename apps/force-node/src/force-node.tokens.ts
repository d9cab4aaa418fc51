import type { ForceNodeConfig as Config } from '@intel/config';

/** Injection token and type of the validated configuration. */
export const ForceNodeConfig = Symbol('ForceNodeConfig');
export type ForceNodeConfig = Config;
export const FORCE_NODE_LOGGER = Symbol('ForceNodeLogger');
export const KAFKA = Symbol('Kafka');
export const EVENT_PUBLISHER = Symbol('EventPublisher');
