import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, databaseConfig, loadDbProvisionConfig, rolePassword } from './config';

describe('database credentials from files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dbcfg-'));
  mkdirSync(join(dir, 'intel_hub_app'));
  writeFileSync(join(dir, 'intel_hub_app', 'password'), 's3cret/with:chars\n');

  it("puts DATABASE_PASSWORD_FILE's password into the service role's URL", () => {
    const c = databaseConfig(
      {
        DATABASE_URL: 'postgres://intel_hub_app@db:5432/postgres',
        DATABASE_PASSWORD_FILE: join(dir, 'intel_hub_app', 'password'),
      },
      'intel_hub',
    );
    const u = new URL(c.url);
    expect(u.username).toBe('intel_hub_app');
    expect(decodeURIComponent(u.password)).toBe('s3cret/with:chars');
    expect(c.adminUrl).toBeUndefined();
  });

  it("reads the auditor role's password from DATABASE_AUDITOR_PASSWORD_FILE, and none from a file not there", () => {
    const secrets = mkdtempSync(join(tmpdir(), 'dbaud-'));
    const file = join(secrets, 'password');
    writeFileSync(file, 'auditor-password-0123\n');
    const url = 'postgres://intel_hub_app@db:5432/postgres';
    expect(
      databaseConfig({ DATABASE_URL: url, DATABASE_AUDITOR_PASSWORD_FILE: file }, 'intel_hub')
        .auditorPassword,
    ).toBe('auditor-password-0123');
    expect(
      databaseConfig(
        { DATABASE_URL: url, DATABASE_AUDITOR_PASSWORD_FILE: join(secrets, 'absent') },
        'intel_hub',
      ).auditorPassword,
    ).toBeUndefined();
  });

  it('db-provision needs the admin URL and the credentials directory', () => {
    expect(() => loadDbProvisionConfig({})).toThrow(ConfigError);
    const cfg = loadDbProvisionConfig({
      DATABASE_ADMIN_URL: 'postgres://postgres@db:5432/postgres',
      DATABASE_CREDENTIALS_DIR: dir,
    });
    expect(rolePassword(cfg, 'intel_hub_app')).toBe('s3cret/with:chars');
    expect(rolePassword(cfg, 'intel_hub_auditor', true)).toBeUndefined();
    expect(() => rolePassword(cfg, 'intel_force_36_app')).toThrow(/role intel_force_36_app/);
  });
});
