import type { ForceNodeConfig as Config } from '@intel/config';

/** Injection token and type of the validated configuration. */
export const ForceNodeConfig = Symbol('ForceNodeConfig');
export type ForceNodeConfig = Config;
export const FORCE_NODE_LOGGER = Symbol('ForceNodeLogger');
export const KAFKA = Symbol('Kafka');
export const EVENT_PUBLISHER = Symbol('EventPublisher');
/** The force this node serves (its PNC code). */
export const FORCE_CODE = Symbol('ForceCode');
/** The outbox relay's batch size and poll interval. */
export const OUTBOX_RELAY_OPTIONS = Symbol('OutboxRelayOptions');
/** Signs (and seals C states of) each outgoing event. */
export const EVENT_PROTECTION = Symbol('EventProtection');
export const OUTBOX_PRUNER_OPTIONS = Symbol('OutboxPrunerOptions');
/** A batch submission's limits (items, bytes, chunk size). */
export const BATCH_LIMITS = Symbol('BatchLimits');
