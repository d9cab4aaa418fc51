import { TOPICS, alertTopic } from './topics';

/**
 * Who may do what on the bus (docs/security.md "Kafka: authentication and authorisation").
 * The broker denies everything without an ACL (StandardAuthorizer,
 * allow.everyone.if.no.acl.found=false); these are the only grants. The broker itself and the
 * provisioning principal (`admin`) are super users in the broker's configuration.
 */
export const HUB_PRINCIPAL = 'hub';
export const ADMIN_PRINCIPAL = 'admin';
/** Reads the audit anchors (`audit verify --anchors-from-kafka`), nothing else. */
export const AUDITOR_PRINCIPAL = 'auditor';
/** Consumer groups the auditor may use start with this. */
export const AUDITOR_GROUP_PREFIX = 'auditor-';

/** A force's principal: `force-<code>` (one SCRAM user per force). */
export function forcePrincipal(forceCode: string): string {
  return `force-${forceCode}`;
}

/** Transactional ids and consumer groups a force may use start with this. */
export function forceResourcePrefix(forceCode: string): string {
  return `force-${forceCode}-`;
}

/** Consumer groups the hub may use start with this (HUB_CONSUMER_GROUP is checked at boot). */
export const HUB_GROUP_PREFIX = 'intel-hub';

export type AclResource = 'TOPIC' | 'GROUP' | 'TRANSACTIONAL_ID';
export type AclOperation = 'READ' | 'WRITE';

/** One ALLOW grant: `User:<principal>` may `operation` on the resource, from any host. */
export interface AclGrant {
  principal: string;
  resource: AclResource;
  pattern: 'LITERAL' | 'PREFIXED';
  name: string;
  operation: AclOperation;
}

/**
 * The grants for a cluster serving these forces. Kafka implies DESCRIBE from READ and WRITE,
 * and lets a principal with WRITE on a transactional id run an idempotent transactional producer
 * under it (no cluster-wide IDEMPOTENT_WRITE needed).
 *
 * - a force WRITEs the person, incident and priority topics (its records; the hub checks that each
 *   event's key and signature are that force's), under transactional ids `force-<code>-…`,
 *   and READs only its own alert topic, in groups `force-<code>-…`. It cannot read person or
 *   incident events (its own or anyone's), any other alert topic, or the DLQ, nor write alerts
 *   or dead letters;
 * - the hub READs person, incident and priority (groups `intel-hub…`) and WRITEs every alert topic,
 *   the DLQ and the audit anchors (its signed audit-chain heads). It cannot write person or
 *   incident events;
 * - the auditor READs the audit anchors (groups `auditor-…`) and nothing else.
 */
export function aclPlan(forceCodes: readonly string[]): AclGrant[] {
  const grants: AclGrant[] = [];
  const topic = (principal: string, name: string, operation: AclOperation): AclGrant => ({
    principal,
    resource: 'TOPIC',
    pattern: 'LITERAL',
    name,
    operation,
  });
  for (const code of forceCodes) {
    const p = forcePrincipal(code);
    grants.push(
      topic(p, TOPICS.person, 'WRITE'),
      topic(p, TOPICS.incident, 'WRITE'),
      topic(p, TOPICS.priority, 'WRITE'),
      {
        principal: p,
        resource: 'TRANSACTIONAL_ID',
        pattern: 'PREFIXED',
        name: forceResourcePrefix(code),
        operation: 'WRITE',
      },
      topic(p, alertTopic(code), 'READ'),
      {
        principal: p,
        resource: 'GROUP',
        pattern: 'PREFIXED',
        name: forceResourcePrefix(code),
        operation: 'READ',
      },
    );
  }
  grants.push(
    topic(HUB_PRINCIPAL, TOPICS.person, 'READ'),
    topic(HUB_PRINCIPAL, TOPICS.incident, 'READ'),
    topic(HUB_PRINCIPAL, TOPICS.priority, 'READ'),
    {
      principal: HUB_PRINCIPAL,
      resource: 'GROUP',
      pattern: 'PREFIXED',
      name: HUB_GROUP_PREFIX,
      operation: 'READ',
    },
    {
      principal: HUB_PRINCIPAL,
      resource: 'TOPIC',
      pattern: 'PREFIXED',
      name: `${TOPICS.alert}.`,
      operation: 'WRITE',
    },
    topic(HUB_PRINCIPAL, TOPICS.dlq, 'WRITE'),
    topic(HUB_PRINCIPAL, TOPICS.auditAnchor, 'WRITE'),
    topic(AUDITOR_PRINCIPAL, TOPICS.auditAnchor, 'READ'),
    {
      principal: AUDITOR_PRINCIPAL,
      resource: 'GROUP',
      pattern: 'PREFIXED',
      name: AUDITOR_GROUP_PREFIX,
      operation: 'READ',
    },
  );
  return grants;
}
