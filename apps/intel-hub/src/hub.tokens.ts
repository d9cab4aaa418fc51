/** Injection tokens. */
export const HubConfigToken = Symbol('HubConfig');
export const HUB_LOGGER = Symbol('HubLogger');
export const KAFKA = Symbol('Kafka');
export const EVENT_CONSUMER = Symbol('EventConsumer');
