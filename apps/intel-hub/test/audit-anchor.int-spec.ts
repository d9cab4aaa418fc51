import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import {
  chainHash,
  GENESIS_HASH,
  parseAnchors,
  toAuditRow,
  type AuditLogRecord,
  type AuditRow,
} from '@intel/audit';
import { PurposeCode } from '@intel/contracts';
import { dropDatabase, withDatabase, withUser } from '@intel/db';
import { QueryClient } from '@intel/grpc';
import { HUB_PRINCIPAL } from '@intel/kafka';
import {
  REPO_ROOT,
  serviceDatabase,
  startService,
  testInfra,
  testKafkaEnv,
  uniqueDbName,
  waitFor,
  type RunningNode,
} from '@intel/testing';

const run = promisify(execFile);

// Real PostgreSQL (the hub under its own role), the real broker, the hub as a process, and the
// CLI as an auditor would run it. A superuser rewrites the whole chain consistently (every hash
// recomputed, audit_head moved): the chain verifies on its own, and only the signed anchors,
// held outside the database, show the rewrite.
describe('audit chain anchored outside the database (integration: real Postgres + Kafka)', () => {
  const infra = testInfra();
  const dbName = uniqueDbName('it_hub_anchor');
  const db = serviceDatabase(dbName, infra.databaseUrl);
  const dir = mkdtempSync(join(tmpdir(), 'audit-anchor-'));
  const keyFile = join(dir, 'anchor-key.pem');
  const publicKeyFile = join(dir, 'anchor-key.pub.pem');
  const anchorsFile = join(dir, 'anchors.jsonl');
  const cli = join(REPO_ROOT, 'dist/apps/cli/src/main.js');
  const auditorServerUrl = withUser(
    infra.databaseUrl,
    `${dbName}_auditor`,
    db.env.DATABASE_AUDITOR_PASSWORD,
  );
  let hub: RunningNode;
  let su: Client;

  beforeAll(async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    hub = await startService('intel-hub', {
      ...db.env,
      ...testKafkaEnv(HUB_PRINCIPAL),
      HUB_CONSUMER_GROUP: `intel-hub-it-anchor-${randomUUID()}`,
      GRPC_INSECURE_PLAINTEXT: 'true',
      AUDIT_ANCHOR_KEY_FILE: keyFile,
      AUDIT_ANCHOR_INTERVAL_MS: '1000',
      AUDIT_ANCHOR_FILE: anchorsFile,
    });
    su = new Client({ connectionString: withDatabase(infra.databaseUrl, dbName) });
    await su.connect();
  });
  afterAll(async () => {
    await su?.end();
    await hub?.stop();
    await dropDatabase(infra.databaseUrl, dbName).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  /** `audit verify` as the auditor role; resolves with its exit code and output. */
  async function verify(...extra: string[]): Promise<{ code: number; stdout: string }> {
    try {
      const out = await run('env', [
        `DATABASE_URL=${auditorServerUrl}`,
        'node',
        cli,
        'audit',
        'verify',
        '--database',
        dbName,
        ...extra,
      ]);
      return { code: 0, stdout: out.stdout };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: `${e.stdout}${e.stderr}` };
    }
  }
  const anchored = ['--public-key', publicKeyFile, '--max-anchor-age', '600'];

  it('signs and publishes the head at intervals, and reports the last anchor’s age as a metric', async () => {
    const client = new QueryClient(hub.grpcAddress, undefined, { devForce: '46' });
    try {
      for (let i = 0; i < 5; i++) {
        await client
          .checkPerson({
            person: undefined,
            justification: {
              purposeCode: PurposeCode.PURPOSE_CODE_PREVENTING_OFFENCES,
              reason: `Anchoring test consultation number ${i}`,
              operationRef: '',
            },
            maxResults: 5,
          })
          .catch(() => undefined);
      }
    } finally {
      client.close();
    }
    await waitFor(
      () => {
        const { anchors } = parseAnchors(readFileSync(anchorsFile, 'utf8').split('\n'));
        return Promise.resolve(anchors.some((a) => a.seq >= 5));
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'an anchor of the head at seq 5' },
    );
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    const age = Number(/^hub_audit_anchor_age_seconds(?:\{[^}]*\})? (\S+)$/m.exec(metrics)?.[1]);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(10);
  });

  it('with the anchors intact, verifies OK from the file and from the Kafka topic', async () => {
    const fromFile = await verify(...anchored, '--anchors-file', anchorsFile);
    expect(fromFile.stdout).toContain('agrees with every signed anchor');
    expect(fromFile.code).toBe(0);
    const fromKafka = await verify(...anchored, '--anchors-from-kafka');
    expect(fromKafka.stdout).toContain('agrees with every signed anchor');
    expect(fromKafka.code).toBe(0);
  });

  it('given every row rewritten consistently by a superuser, then the chain alone verifies, and the anchors show the rewrite', async () => {
    await hub.stop();
    const { rows } = await su.query<AuditLogRecord>(`SELECT * FROM audit_log ORDER BY seq`);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    await su.query('BEGIN');
    await su.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change');
    let prevHash = GENESIS_HASH;
    for (const r of rows) {
      // The row as stored, its reason rewritten and re-chained: what verify hashes, nothing else.
      const { hash: _stored, ...stored } = toAuditRow(r);
      const row: Omit<AuditRow, 'hash'> = { ...stored, reason: 'routine check', prevHash };
      const hash = chainHash(prevHash, row);
      await su.query(`UPDATE audit_log SET reason = $2, prev_hash = $3, hash = $4 WHERE seq = $1`, [
        row.seq,
        row.reason,
        prevHash,
        hash,
      ]);
      prevHash = hash;
    }
    await su.query('UPDATE audit_head SET hash = $1 WHERE id = 1', [prevHash]);
    await su.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change');
    await su.query('COMMIT');

    // Finding 9: the rewritten chain verifies on its own.
    const alone = await verify();
    expect(alone.code).toBe(0);
    // Against the anchors held outside the database it does not.
    for (const source of [['--anchors-file', anchorsFile], ['--anchors-from-kafka']]) {
      const checked = await verify(...anchored, ...source);
      expect(checked.code).toBe(1);
      expect(checked.stdout).toContain('contradicts the signed anchor');
      expect(checked.stdout).toContain('rewritten');
    }
  });

  it('given anchoring that stopped, then verify reports it overdue', async () => {
    await new Promise((r) => setTimeout(r, 2000));
    const checked = await verify(
      '--public-key',
      publicKeyFile,
      '--max-anchor-age',
      '1',
      '--anchors-file',
      anchorsFile,
    );
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain('anchoring is overdue');
  });
});
