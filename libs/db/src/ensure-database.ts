import { Client } from 'pg';
import { withDatabase } from './database-url';

/**
 * Creates `name` on the server at `serverUrl` if it is missing (each force node
 * and the hub own a database, created on first start). Safe to race: a concurrent CREATE that
 * loses reports duplicate_database (42P04), which is success here.
 */
export async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } catch (err) {
        if (
          (err as { code?: string }).code !== '42P04' &&
          (err as { code?: string }).code !== '23505'
        )
          throw err;
      }
    }
  } finally {
    await client.end();
  }
}

/** Drops a database and the roles provisioning made for it (tests and `reset` only). */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    // The roles provisionDatabase names after the database (libs/db provision.ts), if any.
    await client.query(`DROP ROLE IF EXISTS ${name}_app, ${name}_auditor, ${name}_owner`);
  } finally {
    await client.end();
  }
}
