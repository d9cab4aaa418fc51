import {
  aclPlan,
  AUDITOR_PRINCIPAL,
  forcePrincipal,
  HUB_PRINCIPAL,
  type AclGrant,
} from './kafka-acls';
import { TOPICS, alertTopic, topicSpecsFor } from './topics';

/** Whether a grant lets `principal` do `operation` on the named resource. */
function allows(
  grants: AclGrant[],
  principal: string,
  resource: AclGrant['resource'],
  name: string,
  operation: AclGrant['operation'],
): boolean {
  return grants.some(
    (g) =>
      g.principal === principal &&
      g.resource === resource &&
      g.operation === operation &&
      (g.pattern === 'LITERAL' ? g.name === name : name.startsWith(g.name)),
  );
}

describe('aclPlan', () => {
  const plan = aclPlan(['36', '01']);
  const norfolk = forcePrincipal('36');

  it('lets a force write the person and incident topics under its own transactional ids only', () => {
    expect(allows(plan, norfolk, 'TOPIC', TOPICS.person, 'WRITE')).toBe(true);
    expect(allows(plan, norfolk, 'TOPIC', TOPICS.incident, 'WRITE')).toBe(true);
    expect(allows(plan, norfolk, 'TOPIC', TOPICS.priority, 'WRITE')).toBe(true);
    expect(allows(plan, norfolk, 'TRANSACTIONAL_ID', 'force-36-outbox-relay', 'WRITE')).toBe(true);
    expect(allows(plan, norfolk, 'TRANSACTIONAL_ID', 'force-01-outbox-relay', 'WRITE')).toBe(false);
    expect(allows(plan, norfolk, 'TRANSACTIONAL_ID', 'force-361', 'WRITE')).toBe(false);
  });

  it('never lets a force read the person or incident topic, or touch alerts other than its own, or the DLQ', () => {
    for (const topic of [
      TOPICS.person,
      TOPICS.incident,
      TOPICS.priority,
      alertTopic('01'),
      TOPICS.dlq,
    ]) {
      expect(allows(plan, norfolk, 'TOPIC', topic, 'READ')).toBe(false);
    }
    for (const topic of [alertTopic('36'), alertTopic('01'), TOPICS.dlq, TOPICS.alert]) {
      expect(allows(plan, norfolk, 'TOPIC', topic, 'WRITE')).toBe(false);
    }
    expect(allows(plan, norfolk, 'TOPIC', alertTopic('36'), 'READ')).toBe(true);
    expect(allows(plan, norfolk, 'GROUP', 'force-36-alerts', 'READ')).toBe(true);
    expect(allows(plan, norfolk, 'GROUP', 'intel-hub', 'READ')).toBe(false);
  });

  it('lets the hub read force events and write alerts and dead letters, never force events', () => {
    expect(allows(plan, HUB_PRINCIPAL, 'TOPIC', TOPICS.person, 'READ')).toBe(true);
    expect(allows(plan, HUB_PRINCIPAL, 'TOPIC', TOPICS.incident, 'READ')).toBe(true);
    expect(allows(plan, HUB_PRINCIPAL, 'TOPIC', TOPICS.priority, 'READ')).toBe(true);
    expect(allows(plan, HUB_PRINCIPAL, 'TOPIC', TOPICS.priority, 'WRITE')).toBe(false);
    expect(allows(plan, HUB_PRINCIPAL, 'GROUP', 'intel-hub', 'READ')).toBe(true);
    expect(allows(plan, HUB_PRINCIPAL, 'TOPIC', alertTopic('36'), 'WRITE')).toBe(true);
    expect(allows(plan, HUB_PRINCIPAL, 'TOPIC', TOPICS.dlq, 'WRITE')).toBe(true);
    expect(allows(plan, HUB_PRINCIPAL, 'TOPIC', TOPICS.person, 'WRITE')).toBe(false);
    expect(allows(plan, HUB_PRINCIPAL, 'TOPIC', TOPICS.incident, 'WRITE')).toBe(false);
    expect(allows(plan, HUB_PRINCIPAL, 'TOPIC', alertTopic('36'), 'READ')).toBe(false);
  });

  it('grants nothing to anyone else', () => {
    const principals = new Set(plan.map((g) => g.principal));
    expect([...principals].sort()).toEqual(['auditor', 'force-01', 'force-36', 'hub']);
  });

  it('lets the hub write the audit anchors and the auditor read them and nothing else', () => {
    expect(allows(plan, HUB_PRINCIPAL, 'TOPIC', TOPICS.auditAnchor, 'WRITE')).toBe(true);
    expect(allows(plan, HUB_PRINCIPAL, 'TOPIC', TOPICS.auditAnchor, 'READ')).toBe(false);
    expect(allows(plan, 'force-36', 'TOPIC', TOPICS.auditAnchor, 'WRITE')).toBe(false);
    expect(allows(plan, AUDITOR_PRINCIPAL, 'TOPIC', TOPICS.auditAnchor, 'READ')).toBe(true);
    expect(allows(plan, AUDITOR_PRINCIPAL, 'TOPIC', TOPICS.auditAnchor, 'WRITE')).toBe(false);
    expect(allows(plan, AUDITOR_PRINCIPAL, 'GROUP', 'auditor-verify', 'READ')).toBe(true);
    for (const topic of [TOPICS.person, TOPICS.incident, alertTopic('36'), TOPICS.dlq])
      expect(allows(plan, AUDITOR_PRINCIPAL, 'TOPIC', topic, 'READ')).toBe(false);
  });
});

describe('topics', () => {
  it('gives each force its own alert topic in the intel.alert.v1 family', () => {
    expect(alertTopic('36')).toBe('intel.alert.v1.36');
    expect(() => alertTopic('3')).toThrow();
    expect(() => alertTopic('36.x')).toThrow();
    expect(topicSpecsFor(['36', '01']).map((s) => s.topic)).toEqual([
      TOPICS.person,
      TOPICS.incident,
      TOPICS.priority,
      TOPICS.dlq,
      TOPICS.auditAnchor,
      'intel.alert.v1.36',
      'intel.alert.v1.01',
    ]);
  });
});
