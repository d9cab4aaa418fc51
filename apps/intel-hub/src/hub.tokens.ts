/** Injection tokens. */
export const HubConfigToken = Symbol('HubConfig');
export const HUB_LOGGER = Symbol('HubLogger');
export const KAFKA = Symbol('Kafka');
export const EVENT_CONSUMER = Symbol('EventConsumer');
/** The priority lane's consumer (`intel.priority.v1`, its own group). */
export const PRIORITY_CONSUMER = Symbol('PriorityConsumer');

/** The AuditAnchorer, or null when no anchor key is configured. */
export const AUDIT_ANCHORER = Symbol('AUDIT_ANCHORER');
/** ResolutionOptions, from the configuration. */
export const RESOLUTION_OPTIONS = Symbol('ResolutionOptions');
