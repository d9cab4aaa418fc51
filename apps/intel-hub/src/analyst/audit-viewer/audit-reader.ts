import type { OnModuleDestroy } from '@nestjs/common';
import type { DatabaseConfig } from '@intel/config';
import { withDatabase, withUser } from '@intel/db';
import type { Logger } from '@intel/observability';
import { DataSource } from 'typeorm';

/** The audit viewer cannot read the log: no auditor credential configured, or no connection. */
export class AuditReaderUnavailableError extends Error {}

/**
 * The auditors' screen reads the audit log as the database's auditor role (`<db>_auditor`:
 * SELECT on audit_log and audit_head, nothing else), on a pool of its own, never as the hub's
 * role, which may only append to the log (audit-grants.ts; database-roles.int-spec asserts it
 * cannot read an entry back). So the hub role stays append-only, a flaw in any other query of
 * the hub cannot read the log, and nothing the viewer does can write. Sessions are read-only
 * and time-limited. Opened on first use (and again after a failure); without
 * DATABASE_AUDITOR_PASSWORD the viewer answers 503 and the hub says so at start.
 */
export class AuditReader implements OnModuleDestroy {
  private ds: DataSource | undefined;
  private opening: Promise<DataSource> | undefined;

  constructor(
    private readonly db: DatabaseConfig,
    private readonly logger: Logger,
    private readonly statementTimeoutMs = 15_000,
  ) {}

  get configured(): boolean {
    return this.db.auditorPassword !== undefined;
  }

  /** The reader's pool, opened if need be. */
  async dataSource(): Promise<DataSource> {
    if (this.ds?.isInitialized) return this.ds;
    if (!this.configured)
      throw new AuditReaderUnavailableError(
        'the audit viewer is not configured: the hub needs the auditor role’s password (DATABASE_AUDITOR_PASSWORD)',
      );
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async open(): Promise<DataSource> {
    const url = withDatabase(
      withUser(this.db.url, `${this.db.name}_auditor`, this.db.auditorPassword ?? ''),
      this.db.name,
    );
    const ds = new DataSource({
      type: 'postgres',
      url,
      synchronize: false,
      logging: false,
      applicationName: 'intel-hub-audit-viewer',
      extra: {
        max: 2,
        options: `-c default_transaction_read_only=on -c statement_timeout=${this.statementTimeoutMs}`,
      },
    });
    try {
      await ds.initialize();
    } catch (err) {
      this.logger.error(
        { component: 'audit-viewer', err },
        'cannot connect as the auditor role: the audit viewer is unavailable',
      );
      throw new AuditReaderUnavailableError(
        'the audit viewer cannot reach the audit log as the auditor role; retry shortly',
      );
    }
    this.ds = ds;
    return ds;
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    await this.opening?.catch(() => undefined);
    if (this.ds?.isInitialized) await this.ds.destroy();
    this.ds = undefined;
  }
}
