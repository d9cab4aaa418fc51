import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadToolConfig, type DbProvisionConfig } from '@intel/config';
import { dropDatabase, withDatabase, withUser } from '@intel/db';
import { uniqueDbName } from '@intel/testing';
import { databasesToProvision, runDbProvision } from '../src/commands/db-provision.command';

// `npm run cli -- db-provision` against the real PostgreSQL (it needs no broker): the roles and
// grants a deployment job creates, the same after a second run, and enforced by PostgreSQL.
const DENIED = /permission denied|must be owner/;

describe('db-provision (integration: real PostgreSQL)', () => {
  const serverUrl = loadToolConfig().databaseUrl;
  const hubDb = uniqueDbName('it_dbprov_hub');
  const forcePrefix = `${uniqueDbName('it_dbprov')}_f`;
  const forceDb = `${forcePrefix}36`;
  const dir = mkdtempSync(join(tmpdir(), 'db-credentials-'));
  const cfg: DbProvisionConfig = { adminUrl: serverUrl, credentialsDir: dir };
  const passwords: Record<string, string> = {};
  const databases = databasesToProvision({
    forces: ['36'],
    hub: true,
    hubDatabase: hubDb,
    forceDatabasePrefix: forcePrefix,
  });
  const output: string[] = [];
  const clients: Client[] = [];

  function secret(role: string): void {
    passwords[role] = randomBytes(18).toString('hex');
    mkdirSync(join(dir, role));
    writeFileSync(join(dir, role, 'password'), `${passwords[role]}\n`, { mode: 0o600 });
  }

  async function as(role: string, db: string): Promise<Client> {
    const c = new Client({
      connectionString: withDatabase(withUser(serverUrl, role, passwords[role] ?? ''), db),
    });
    await c.connect();
    clients.push(c);
    return c;
  }

  /** Every privilege the platform's roles hold in a database, sorted. */
  async function grants(db: string): Promise<string[]> {
    const c = new Client({ connectionString: withDatabase(serverUrl, db) });
    await c.connect();
    try {
      const r = await c.query<{ g: string }>(
        `SELECT grantee || ' ' || privilege_type || ' ' || table_name AS g
           FROM information_schema.role_table_grants
          WHERE grantee LIKE $1 ORDER BY 1`,
        [`${db}_%`],
      );
      const owners = await c.query<{ g: string }>(
        `SELECT 'owner ' || c.relname || ' ' || pg_get_userbyid(c.relowner) AS g
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' ORDER BY 1`,
      );
      return [...r.rows, ...owners.rows].map((x) => x.g);
    } finally {
      await c.end();
    }
  }

  beforeAll(() => {
    secret(`${hubDb}_app`);
    secret(`${hubDb}_auditor`);
    secret(`${forceDb}_app`);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await dropDatabase(serverUrl, hubDb).catch(() => undefined);
    await dropDatabase(serverUrl, forceDb).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('provisions both databases, says what it made, never prints a password', async () => {
    await runDbProvision(cfg, databases, (l) => output.push(l));
    expect(output).toHaveLength(2);
    expect(output[0]).toContain(`${hubDb}: owner ${hubDb}_owner`);
    expect(output[0]).toContain(`auditor ${hubDb}_auditor (login)`);
    expect(output[1]).toContain(`service ${forceDb}_app (login)`);
    expect(output[1]).toContain('group role, no login');
    for (const p of Object.values(passwords)) expect(output.join('\n')).not.toContain(p);
  });

  it('a second run gives the same grants and ownership (idempotent)', async () => {
    const before = [...(await grants(hubDb)), ...(await grants(forceDb))];
    expect(before).toContain(`${hubDb}_app INSERT audit_log`);
    await runDbProvision(cfg, databases, () => undefined);
    expect([...(await grants(hubDb)), ...(await grants(forceDb))]).toEqual(before);
  });

  it('the hub role only appends to the audit log and owns nothing', async () => {
    const hub = await as(`${hubDb}_app`, hubDb);
    await expect(hub.query('SELECT count(*) FROM force_nominal')).resolves.toBeDefined();
    for (const sql of [
      'UPDATE audit_log SET reason = reason',
      'DELETE FROM audit_log',
      'TRUNCATE audit_log',
      'ALTER TABLE audit_log DISABLE TRIGGER ALL',
      `INSERT INTO migrations (timestamp, name) VALUES (1, 'x')`,
      'CREATE TABLE intruder (x int)',
    ])
      await expect(hub.query(sql)).rejects.toThrow(DENIED);
    const auditor = await as(`${hubDb}_auditor`, hubDb);
    await expect(auditor.query('SELECT count(*) FROM audit_log')).resolves.toBeDefined();
    await expect(auditor.query('DELETE FROM audit_log')).rejects.toThrow(DENIED);
  });

  it("a force node's role cannot read back or alter its record log, nor enter the hub's database", async () => {
    const node = await as(`${forceDb}_app`, forceDb);
    await expect(node.query('SELECT * FROM record_log')).rejects.toThrow(DENIED);
    await expect(node.query('ALTER TABLE record_log DISABLE TRIGGER ALL')).rejects.toThrow(DENIED);
    await expect(as(`${forceDb}_app`, hubDb)).rejects.toThrow(/permission denied/);
  });

  it("refuses without a service role's password, naming the file and not its content", async () => {
    const missing = databasesToProvision({
      forces: ['46'],
      hub: false,
      forceDatabasePrefix: forcePrefix,
    });
    await expect(runDbProvision(cfg, missing, () => undefined)).rejects.toThrow(
      `role ${forcePrefix}46_app`,
    );
  });
});
