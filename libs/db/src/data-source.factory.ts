import { DataSource, type MigrationInterface } from 'typeorm';
import { ensureDatabase } from './ensure-database';
import { withDatabase } from './database-url';

export interface OpenDatabaseOptions {
  serverUrl: string;
  name: string;
  migrations: Array<new () => MigrationInterface>;
  poolSize?: number;
  applicationName?: string;
}

/**
 * Creates the database if needed, connects, and runs the committed migrations
 * (never `synchronize`, docs/engineering.md "Layout"). Each migration runs in its own transaction.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<DataSource> {
  await ensureDatabase(opts.serverUrl, opts.name);
  const ds = new DataSource({
    type: 'postgres',
    url: withDatabase(opts.serverUrl, opts.name),
    migrations: opts.migrations,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    applicationName: opts.applicationName,
    extra: { max: opts.poolSize ?? 10 },
  });
  await ds.initialize();
  // Two processes starting at once (e.g. after a deploy) must not both migrate: an advisory
  // lock serialises them, and the second finds nothing left to run.
  // The lock lives on one dedicated connection, so it is released on the same one.
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(7342001)');
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock(7342001)').catch(() => undefined);
    await lock.release();
  }
  return ds;
}
