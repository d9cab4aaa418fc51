import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuditLog, verifyAuditChain } from '@intel/audit';
import { PurposeCode } from '@intel/contracts';
import { dropDatabase, provisionDatabase, withDatabase, withUser } from '@intel/db';
import { QueryClient } from '@intel/grpc';
import { HUB_PRINCIPAL } from '@intel/kafka';
import {
  serviceDatabase,
  startService,
  testInfra,
  testKafkaEnv,
  uniqueDbName,
  type RunningNode,
} from '@intel/testing';
import { forceNodeGrants } from '../../force-node/src/database/grants';
import { FORCE_NODE_MIGRATIONS } from '../../force-node/src/database/migrations';
import { hubGrants } from '../src/database/grants';
import { INTEL_HUB_MIGRATIONS } from '../src/database/migrations';

// Real PostgreSQL with the real roles: migrations by the owner, each service with its own login
// role, the auditor reading. What a service role tries beyond its grants is refused by
// PostgreSQL itself (42501 insufficient_privilege), whatever the application does.
const DENIED = /permission denied|must be owner/;

async function as(url: string): Promise<Client> {
  const c = new Client({ connectionString: url });
  await c.connect();
  return c;
}

describe('least-privilege database roles (integration: real PostgreSQL)', () => {
  const infra = testInfra();

  describe('the hub, started as a process under its role', () => {
    const dbName = uniqueDbName('it_roles_hub');
    const db = serviceDatabase(dbName);
    let hub: RunningNode;
    let app: Client;
    let auditor: Client;
    let superuser: Client;

    beforeAll(async () => {
      hub = await startService('intel-hub', {
        ...db.env,
        ...testKafkaEnv(HUB_PRINCIPAL),
        HUB_CONSUMER_GROUP: `intel-hub-it-roles-${randomUUID()}`,
        GRPC_INSECURE_PLAINTEXT: 'true',
      });
      app = await as(db.appUrl);
      auditor = await as(db.auditorUrl);
      superuser = await as(withDatabase(infra.databaseUrl, dbName));
    });
    afterAll(async () => {
      await app?.end();
      await auditor?.end();
      await superuser?.end();
      await hub?.stop();
      await dropDatabase(infra.databaseUrl, dbName).catch(() => undefined);
    });

    it('connects as its own role, not as a superuser, and owns nothing', async () => {
      const { rows } = await superuser.query<{ usename: string }>(
        `SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = $1 AND application_name = 'intel-hub'`,
        [dbName],
      );
      expect(rows.map((r) => r.usename)).toEqual([`${dbName}_app`]);
      const owned = await superuser.query(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) <> $1`,
        [`${dbName}_owner`],
      );
      expect(owned.rows).toEqual([]);
    });

    it('answers a query under its role, and the consultation is audited', async () => {
      const client = new QueryClient(hub.grpcAddress, undefined, { devForce: '46' });
      try {
        const res = await client
          .checkPerson({
            person: {
              names: [
                { given: ['Nobody'], family: `Roles${dbName}`, type: 'NAME_TYPE_BIRTH' as never },
              ],
              dateOfBirth: undefined,
              sex: 'SEX_UNSPECIFIED' as never,
              identifiers: [],
              onlineIdentifiers: [],
              addresses: [],
            },
            justification: {
              purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
              reason: 'Checking the hub works under its own database role',
              operationRef: '',
            },
            maxResults: 5,
          })
          .catch((e: { code?: number }) => e);
        // UNAVAILABLE while the index loads is an answer of the hub's; anything else audited.
        if ('auditRef' in res) expect(res.auditRef).toMatch(/^\d+$/);
      } finally {
        client.close();
      }
    });

    it.each([
      ['UPDATE', `UPDATE audit_log SET reason = 'nothing to see'`],
      ['DELETE', `DELETE FROM audit_log`],
      ['TRUNCATE', `TRUNCATE audit_log`],
      [
        'ALTER TABLE … DISABLE TRIGGER',
        `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`,
      ],
      ['ALTER TABLE … DISABLE TRIGGER ALL', `ALTER TABLE audit_log DISABLE TRIGGER ALL`],
      ['DROP TABLE', `DROP TABLE audit_log`],
      ['DROP TRIGGER', `DROP TRIGGER audit_log_no_change ON audit_log`],
      ['SELECT the entries', `SELECT reason FROM audit_log`],
      ['CREATE TABLE', `CREATE TABLE shadow (x int)`],
      ['SET ROLE to the owner', `SET ROLE ${dbName}_owner`],
    ])('the hub role cannot %s on the audit log', async (_what, sql) => {
      await expect(app.query(sql)).rejects.toThrow(DENIED);
    });

    it('the hub role can append (both commit paths), and the auditor verifies the chain', async () => {
      const ds = new DataSource({ type: 'postgres', url: db.appUrl, extra: { max: 2 } });
      await ds.initialize();
      try {
        const log = new AuditLog(ds);
        const entry = (i: number) => ({
          at: new Date(),
          callerForce: '36',
          callerName: 'roles test',
          action: 'CheckPerson',
          purposeCode: 'PURPOSE_CODE_LEGAL_DUTY',
          reason: `append ${i} under the hub role`,
          operationRef: '',
          request: { i },
          response: null,
          recipients: ['36'],
        });
        await log.append(entry(1));
        await log.append(entry(2));
        await log.close();
        expect(log.commits.locked).toBeGreaterThan(0);
        expect(log.commits.knownHead).toBeGreaterThan(0);
      } finally {
        await ds.destroy();
      }
      const auditorDs = new DataSource({ type: 'postgres', url: db.auditorUrl, extra: { max: 1 } });
      await auditorDs.initialize();
      try {
        expect(await verifyAuditChain(auditorDs)).toMatchObject({ ok: true, problems: [] });
      } finally {
        await auditorDs.destroy();
      }
      await expect(auditor.query(`INSERT INTO audit_head VALUES (2, 0, '')`)).rejects.toThrow(
        DENIED,
      );
    });
  });

  describe('a force node database', () => {
    const dbName = uniqueDbName('it_roles_force');
    const db = serviceDatabase(dbName);
    let app: Client;

    beforeAll(async () => {
      await provisionDatabase({
        adminUrl: infra.databaseUrl,
        appUrl: db.env.DATABASE_URL,
        name: dbName,
        migrations: FORCE_NODE_MIGRATIONS,
        grants: forceNodeGrants,
      });
      app = await as(db.appUrl);
    });
    afterAll(async () => {
      await app?.end();
      await dropDatabase(infra.databaseUrl, dbName).catch(() => undefined);
    });

    const insert = `INSERT INTO record_log (caller, action, entity, source_system, source_record_id, outcome, entity_id)
                    VALUES ('t', 'SubmitPerson', 'person', 's', 'r', 'CREATED', gen_random_uuid())`;

    it('the node role can INSERT into record_log', async () => {
      await expect(app.query(insert)).resolves.toBeDefined();
    });

    it.each([
      ['UPDATE', `UPDATE record_log SET caller = 'someone else'`],
      ['DELETE', `DELETE FROM record_log`],
      ['TRUNCATE', `TRUNCATE record_log`],
      ['SELECT', `SELECT caller FROM record_log`],
      ['ALTER TABLE … DISABLE TRIGGER', `ALTER TABLE record_log DISABLE TRIGGER ALL`],
    ])('the node role cannot %s record_log', async (_what, sql) => {
      await expect(app.query(sql)).rejects.toThrow(DENIED);
    });

    it('provisioning again changes nothing and still refuses a superuser as the service role', async () => {
      await provisionDatabase({
        adminUrl: infra.databaseUrl,
        appUrl: db.env.DATABASE_URL,
        name: dbName,
        migrations: FORCE_NODE_MIGRATIONS,
        grants: forceNodeGrants,
      });
      await expect(app.query(`UPDATE record_log SET caller = 'x'`)).rejects.toThrow(DENIED);
      await expect(
        provisionDatabase({
          adminUrl: infra.databaseUrl,
          appUrl: withUser(infra.databaseUrl, 'postgres', ''),
          name: dbName,
          migrations: FORCE_NODE_MIGRATIONS,
          grants: forceNodeGrants,
        }),
      ).rejects.toThrow(/admin role|superuser/);
    });
  });

  it('the hub grants give the hub nothing on the audit log beyond appending', async () => {
    const dbName = uniqueDbName('it_roles_grants');
    const db = serviceDatabase(dbName);
    try {
      await provisionDatabase({
        adminUrl: infra.databaseUrl,
        appUrl: db.env.DATABASE_URL,
        name: dbName,
        migrations: INTEL_HUB_MIGRATIONS,
        grants: hubGrants,
      });
      const su = await as(withDatabase(infra.databaseUrl, dbName));
      try {
        const { rows } = await su.query<{ privilege_type: string; table_name: string }>(
          `SELECT table_name, privilege_type FROM information_schema.role_table_grants
           WHERE grantee = $1 AND table_name IN ('audit_log', 'audit_head') ORDER BY 1, 2`,
          [`${dbName}_app`],
        );
        expect(rows.map((r) => `${r.table_name}:${r.privilege_type}`)).toEqual([
          'audit_head:INSERT',
          'audit_head:SELECT',
          'audit_head:UPDATE',
          'audit_log:INSERT',
        ]);
      } finally {
        await su.end();
      }
    } finally {
      await dropDatabase(infra.databaseUrl, dbName).catch(() => undefined);
    }
  });
});
