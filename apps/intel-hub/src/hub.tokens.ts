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
/** IngestOptions: the consumer group named on dead letters and the trust policy (keys parsed at start). */
export const INGEST_OPTIONS = Symbol('IngestOptions');
/** The EventPublisher dead letters go to (intel.dlq.v1). */
export const DEAD_LETTERS = Symbol('DeadLetters');
/** What else is done with the events an ingest batch applies (an AppliedObserver: deconfliction). */
export const APPLIED_OBSERVER = Symbol('AppliedObserver');
/** The alert relay's own producer (an EventPublisher it closes on stop). */
export const ALERT_PUBLISHER = Symbol('AlertPublisher');
/** EscalationOptions, from the configuration. */
export const ESCALATION_OPTIONS = Symbol('EscalationOptions');
/** The ProbeLimiter of queries' hit-only answers, from the configuration. */
export const QUERY_PROBES = Symbol('QueryProbes');
/** The answers' detail when a caller does not ask for one (HUB_ANSWER_DETAIL), from the configuration. */
export const ANSWER_DETAIL = Symbol('AnswerDetail');
/** Told of every validated query's online identifiers (a QueryObserver: deconfliction). */
export const QUERY_OBSERVER = Symbol('QueryObserver');
/** The deconfliction keys (current first), from the configuration. */
export const DECONFLICTION_KEYS = Symbol('DeconflictionKeys');
/** Which forces already hold an online identifier (an IdentifierHolders: the national index). */
export const IDENTIFIER_HOLDERS = Symbol('IdentifierHolders');
