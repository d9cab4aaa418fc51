import { loadToolConfig } from '@intel/config';
import { dropDatabase, provisionDatabase } from '@intel/db';
import { serviceDatabase, uniqueDbName } from '@intel/testing';
import { hubGrants } from '../src/database/grants';
import { INTEL_HUB_MIGRATIONS } from '../src/database/migrations';

/**
 * A fresh hub database on the test PostgreSQL with the real roles (owner, the hub's `<db>_app`,
 * `<db>_auditor` with a login), provisioned by `provision()` as a deployment would, without a
 * hub process: for tests of the hub's repositories and queries. `provision(migrations)` stops
 * at an earlier schema (to test a migration on a database made before it).
 */
export function hubDatabase(prefix: string) {
  const serverUrl = loadToolConfig().databaseUrl;
  const dbName = uniqueDbName(prefix);
  const database = serviceDatabase(dbName, serverUrl);
  return {
    serverUrl,
    dbName,
    database,
    provision: (migrations = INTEL_HUB_MIGRATIONS) =>
      provisionDatabase({
        adminUrl: serverUrl,
        appUrl: database.env.DATABASE_URL,
        name: dbName,
        migrations,
        grants: hubGrants,
        auditorPassword: database.env.DATABASE_AUDITOR_PASSWORD,
      }),
    drop: () => dropDatabase(serverUrl, dbName).catch(() => undefined),
  };
}
