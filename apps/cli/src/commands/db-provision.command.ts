import type { Command } from 'commander';
import type { MigrationInterface } from 'typeorm';
import {
  HUB_DATABASE_NAME_DEFAULT,
  loadDbProvisionConfig,
  rolePassword,
  type DbProvisionConfig,
} from '@intel/config';
import { provisionDatabase, withUser, type DatabaseRoles } from '@intel/db';
import { forceNodeGrants } from '../../../force-node/src/database/grants';
import { FORCE_NODE_MIGRATIONS } from '../../../force-node/src/database/migrations';
import { hubGrants } from '../../../intel-hub/src/database/grants';
import { INTEL_HUB_MIGRATIONS } from '../../../intel-hub/src/database/migrations';
import { forcesToProvision } from './kafka-provision.command';

/** One service database to provision: its name, its service's migrations and grants. */
export interface DatabaseToProvision {
  name: string;
  migrations: Array<new () => MigrationInterface>;
  grants: (roles: DatabaseRoles) => string[];
}

/** The service's login role of a database (what its DATABASE_URL names). */
export function appRole(database: string): string {
  return `${database}_app`;
}

/** The databases of the platform: the hub's (unless left out) and one per force node. */
export function databasesToProvision(opts: {
  forces: string[];
  hub: boolean;
  hubDatabase?: string;
  forceDatabasePrefix?: string;
}): DatabaseToProvision[] {
  const prefix = opts.forceDatabasePrefix ?? 'intel_force_';
  return [
    ...(opts.hub
      ? [
          {
            name: opts.hubDatabase ?? HUB_DATABASE_NAME_DEFAULT,
            migrations: INTEL_HUB_MIGRATIONS,
            grants: hubGrants,
          },
        ]
      : []),
    ...opts.forces.map((f) => ({
      name: `${prefix}${f}`,
      migrations: FORCE_NODE_MIGRATIONS,
      grants: forceNodeGrants,
    })),
  ];
}

/**
 * Provisions each database with libs/db provisionDatabase (roles, migrations as the owner,
 * grants): the same code a service runs when given DATABASE_ADMIN_URL. The passwords are read
 * from the credentials directory and never written out; one line per database.
 */
export async function runDbProvision(
  cfg: DbProvisionConfig,
  databases: DatabaseToProvision[],
  write: (line: string) => void,
): Promise<void> {
  for (const db of databases) {
    const t0 = Date.now();
    const app = appRole(db.name);
    const password = rolePassword(cfg, app) as string;
    const auditorPassword = rolePassword(cfg, `${db.name}_auditor`, true);
    const roles = await provisionDatabase({
      adminUrl: cfg.adminUrl,
      appUrl: withUser(cfg.adminUrl, app, password),
      name: db.name,
      migrations: db.migrations,
      grants: db.grants,
      ...(auditorPassword ? { auditorPassword } : {}),
    });
    write(
      `db-provision: ${db.name}: owner ${roles.owner} (migrations, ${db.migrations.length} known), ` +
        `service ${roles.app} (login), auditor ${roles.auditor} ` +
        `(${auditorPassword ? 'login' : 'group role, no login'}) (${Date.now() - t0} ms)`,
    );
  }
}

/**
 * `npm run cli -- db-provision [--forces 01,36,46] [--no-hub]`: creates the databases, their
 * roles and grants and runs the migrations as each database's owner, as DATABASE_ADMIN_URL.
 * Idempotent: a deployment runs it before every start or upgrade (compose's db-provision
 * service, the Helm chart's pre-install/pre-upgrade Job); the services then need no admin URL.
 */
export function registerDbProvisionCommand(program: Command): void {
  program
    .command('db-provision')
    .description(
      'create the databases, least-privilege roles and grants, and run the migrations as the owner (idempotent)',
    )
    .option('--forces <codes>', 'comma-separated PNC force codes (default: every known force)')
    .option('--no-hub', "leave out the hub's database")
    .option('--hub-database <name>', "the hub's database", HUB_DATABASE_NAME_DEFAULT)
    .action(async (opts: { forces?: string; hub: boolean; hubDatabase: string }) => {
      const cfg = loadDbProvisionConfig();
      const databases = databasesToProvision({
        forces: forcesToProvision(opts.forces),
        hub: opts.hub,
        hubDatabase: opts.hubDatabase,
      });
      await runDbProvision(cfg, databases, (line) => process.stdout.write(`${line}\n`));
    });
}
