import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type Kafka,
} from 'kafkajs';
import { aclPlan, type AclGrant } from './kafka-acls';
import { ensureTopics } from './topic-admin';
import { topicSpecsFor } from './topics';

export interface ProvisionResult {
  topicsCreated: string[];
  grants: number;
}

const RESOURCE = {
  TOPIC: AclResourceTypes.TOPIC,
  GROUP: AclResourceTypes.GROUP,
  TRANSACTIONAL_ID: AclResourceTypes.TRANSACTIONAL_ID,
} as const;

function toKafkaAcl(g: AclGrant) {
  return {
    resourceType: RESOURCE[g.resource],
    resourceName: g.name,
    resourcePatternType:
      g.pattern === 'LITERAL' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
    principal: `User:${g.principal}`,
    host: '*',
    operation: g.operation === 'READ' ? AclOperationTypes.READ : AclOperationTypes.WRITE,
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/**
 * Creates the topics (the shared ones and one alert topic per force) and the ACLs of `aclPlan`.
 * Idempotent: existing topics are kept, an ACL that exists already is not duplicated. Needs a
 * principal allowed to create topics and ACLs (the broker's super user `admin`).
 */
export async function provisionKafka(
  kafka: Kafka,
  forceCodes: readonly string[],
): Promise<ProvisionResult> {
  const topicsCreated = await ensureTopics(kafka, topicSpecsFor(forceCodes));
  const grants = aclPlan(forceCodes);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const res = await admin.createAcls({ acl: grants.map(toKafkaAcl) });
    if (!res) throw new Error('the broker did not answer the ACL request');
  } finally {
    await admin.disconnect();
  }
  return { topicsCreated, grants: grants.length };
}
