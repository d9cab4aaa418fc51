import { Client } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { databaseUser, withDatabase } from './database-url';
import { openDatabase } from './data-source.factory';
import { ensureDatabase } from './ensure-database';

/**
 * The roles of one service database (least privilege, DPA 2018 s.62 logs that the service
 * cannot rewrite):
 * - `owner` (`<db>_owner`, NOLOGIN): owns the database, its schema objects and the triggers
 *   that keep the logs append-only. Migrations run as it; no service ever does.
 * - `app`: the service's login role (the user in its DATABASE_URL). Only the grants the
 *   service's `grants` function gives it; it owns nothing, so it cannot ALTER a table, switch
 *   a trigger off or TRUNCATE.
 * - `auditor` (`<db>_auditor`): reads the logs for verification; LOGIN only when a password is
 *   given, else a group role to grant to people.
 */
export interface DatabaseRoles {
  owner: string;
  app: string;
  auditor: string;
}

export interface ProvisionOptions {
  /** A role that may create databases and roles (a superuser, or CREATEDB + CREATEROLE). */
  adminUrl: string;
  /** The service's run-time URL: its user and password become the `app` role. */
  appUrl: string;
  name: string;
  migrations: Array<new () => MigrationInterface>;
  /** SQL run as the owner after the migrations, granting `app` and `auditor` what they need. */
  grants: (roles: DatabaseRoles) => string[];
  /** When set, the auditor role can log in with it. */
  auditorPassword?: string;
}

const ROLE = /^[a-z_][a-z0-9_]{0,62}$/;

export function databaseRoles(name: string, appUser: string): DatabaseRoles {
  return { owner: `${name}_owner`, app: appUser, auditor: `${name}_auditor` };
}

/** Thrown when provisioning is asked to do something unsafe (e.g. run a service as superuser). */
export class ProvisionError extends Error {}

/**
 * Creates (idempotently) the database, its owner, the service's login role and the auditor
 * role; runs the migrations as the owner; then applies the service's grants. Safe to run at
 * every start and from several processes at once (an advisory lock serialises them). Uses the
 * admin URL only here: the service itself connects with `appUrl`.
 */
export async function provisionDatabase(opts: ProvisionOptions): Promise<DatabaseRoles> {
  const app = new URL(opts.appUrl);
  const appUser = databaseUser(opts.appUrl);
  const roles = databaseRoles(opts.name, appUser);
  for (const r of [roles.owner, roles.app, roles.auditor])
    if (!ROLE.test(r)) throw new ProvisionError(`unsafe role name: ${r}`);
  if (appUser === databaseUser(opts.adminUrl))
    throw new ProvisionError(
      'DATABASE_URL must name the service role, not the admin role of DATABASE_ADMIN_URL',
    );

  const admin = new Client({ connectionString: withDatabase(opts.adminUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(7342002)');
    const superuser = await admin.query<{ rolsuper: boolean }>(
      'SELECT rolsuper FROM pg_roles WHERE rolname = $1',
      [appUser],
    );
    if (superuser.rows[0]?.rolsuper)
      throw new ProvisionError(`the service role ${appUser} is a superuser: use a role of its own`);
    const password = decodeURIComponent(app.password);
    await ensureRole(admin, roles.owner, 'NOLOGIN');
    await ensureRole(
      admin,
      roles.app,
      `LOGIN ${password ? `PASSWORD ${admin.escapeLiteral(password)}` : 'PASSWORD NULL'}`,
    );
    await ensureRole(
      admin,
      roles.auditor,
      opts.auditorPassword
        ? `LOGIN PASSWORD ${admin.escapeLiteral(opts.auditorPassword)}`
        : 'NOLOGIN',
    );
    await admin.query('SELECT pg_advisory_unlock(7342002)');
  } finally {
    await admin.end();
  }

  await ensureDatabase(opts.adminUrl, opts.name);
  const db = new Client({ connectionString: withDatabase(opts.adminUrl, opts.name) });
  await db.connect();
  try {
    await db.query(`ALTER DATABASE ${opts.name} OWNER TO ${roles.owner}`);
    await db.query(`REVOKE ALL ON DATABASE ${opts.name} FROM PUBLIC`);
    await db.query(`GRANT CONNECT ON DATABASE ${opts.name} TO ${roles.app}, ${roles.auditor}`);
    await db.query(`ALTER SCHEMA public OWNER TO ${roles.owner}`);
    await db.query(`REVOKE ALL ON SCHEMA public FROM PUBLIC`);
    // A database made before roles existed: its objects move to the owner.
    await db.query(reassignToOwner(roles.owner));
  } finally {
    await db.end();
  }

  // Migrations as the owner: everything they create is the owner's, not the service's.
  const ds = new DataSource({
    type: 'postgres',
    url: withDatabase(opts.adminUrl, opts.name),
    migrations: opts.migrations,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    applicationName: 'provision',
    extra: { max: 1, options: `-c role=${roles.owner}` },
  });
  await ds.initialize();
  try {
    await ds.query('SELECT pg_advisory_lock(7342001)');
    try {
      await ds.runMigrations({ transaction: 'each' });
      await ds.query(`GRANT USAGE ON SCHEMA public TO ${roles.app}, ${roles.auditor}`);
      await ds.query(
        `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${roles.app}, ${roles.auditor}`,
      );
      await ds.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${roles.app}`);
      // The service may read which migrations ran (nothing more).
      await ds.query(`GRANT SELECT ON migrations TO ${roles.app}`);
      for (const sql of opts.grants(roles)) await ds.query(sql);
    } finally {
      await ds.query('SELECT pg_advisory_unlock(7342001)');
    }
  } finally {
    await ds.destroy();
  }
  return roles;
}

async function ensureRole(admin: Client, role: string, attributes: string): Promise<void> {
  const safe = 'NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT';
  const found = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  try {
    if (found.rowCount === 0) await admin.query(`CREATE ROLE ${role} ${safe} ${attributes}`);
    else await admin.query(`ALTER ROLE ${role} ${safe} ${attributes}`);
  } catch (err) {
    // Another process created it between the check and the CREATE.
    if ((err as { code?: string }).code !== '42710') throw err;
    await admin.query(`ALTER ROLE ${role} ${safe} ${attributes}`);
  }
}

/** Tables, sequences and functions in public not owned by `owner`, given to it. */
function reassignToOwner(owner: string): string {
  return `DO $$
    DECLARE r record;
    BEGIN
      FOR r IN SELECT format('ALTER TABLE %I.%I OWNER TO ${owner}', n.nspname, c.relname) AS s
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
                 AND pg_get_userbyid(c.relowner) <> '${owner}'
      LOOP EXECUTE r.s; END LOOP;
      FOR r IN SELECT format('ALTER FUNCTION %s OWNER TO ${owner}', p.oid::regprocedure) AS s
               FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '${owner}'
      LOOP EXECUTE r.s; END LOOP;
    END $$`;
}

/**
 * Opens the service's pool with its own role, after provisioning. Runs no migrations (it may
 * not); refuses to start if any are pending, naming the fix.
 */
export async function openProvisionedDatabase(opts: {
  appUrl: string;
  name: string;
  migrations: Array<new () => MigrationInterface>;
  poolSize?: number;
  applicationName?: string;
}): Promise<DataSource> {
  const ds = new DataSource({
    type: 'postgres',
    url: withDatabase(opts.appUrl, opts.name),
    migrations: opts.migrations,
    synchronize: false,
    logging: false,
    applicationName: opts.applicationName,
    extra: { max: opts.poolSize ?? 10 },
  });
  await ds.initialize();
  if (await ds.showMigrations()) {
    await ds.destroy();
    throw new ProvisionError(
      `database ${opts.name} has migrations to run: provision it (DATABASE_ADMIN_URL) first`,
    );
  }
  return ds;
}

/** A service's database settings (libs/config). */
export interface ServiceDatabaseConfig {
  /** The service's own login role. */
  url: string;
  name: string;
  /** Owner/admin URL used only to provision; absent when provisioning ran elsewhere. */
  adminUrl?: string;
  auditorPassword?: string;
}

/**
 * How a service opens its database:
 * - with `adminUrl`: provisions it (roles, migrations as the owner, grants), then connects as
 *   its own role;
 * - without, as a role that neither is a superuser nor owns the database: provisioning ran
 *   elsewhere (a deployment job), so it runs no migrations and refuses to start if any are
 *   pending;
 * - without, as a superuser or the database's owner (or before the database exists): the old
 *   way, migrating itself, with `onWarning` told that it could switch the append-only triggers
 *   off.
 */
export async function openServiceDatabase(
  cfg: ServiceDatabaseConfig,
  service: {
    migrations: Array<new () => MigrationInterface>;
    grants: (roles: DatabaseRoles) => string[];
    poolSize?: number;
    applicationName?: string;
    onWarning?: (message: string) => void;
  },
): Promise<DataSource> {
  const open = { appUrl: cfg.url, name: cfg.name, ...service };
  if (cfg.adminUrl) {
    await provisionDatabase({
      adminUrl: cfg.adminUrl,
      appUrl: cfg.url,
      name: cfg.name,
      migrations: service.migrations,
      grants: service.grants,
      auditorPassword: cfg.auditorPassword,
    });
    return openProvisionedDatabase(open);
  }
  if (!(await mayMigrate(cfg.url, cfg.name))) return openProvisionedDatabase(open);
  service.onWarning?.(
    'the service connects to PostgreSQL as a superuser or as its database owner: it could ' +
      'switch the append-only triggers off. Set DATABASE_ADMIN_URL (provisioning) and a ' +
      'service role of its own in DATABASE_URL (docs/security.md)',
  );
  return openDatabase({ serverUrl: cfg.url, ...service, name: cfg.name });
}

/** A superuser, or the owner of the database (or it does not exist yet). */
async function mayMigrate(url: string, name: string): Promise<boolean> {
  const c = new Client({ connectionString: withDatabase(url, 'postgres') });
  await c.connect();
  try {
    const r = await c.query<{ su: boolean; owns: boolean | null }>(
      `SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su,
              (SELECT pg_get_userbyid(datdba) = current_user FROM pg_database WHERE datname = $1) AS owns`,
      [name],
    );
    const row = r.rows[0];
    return row?.su === true || row?.owns !== false;
  } finally {
    await c.end();
  }
}
