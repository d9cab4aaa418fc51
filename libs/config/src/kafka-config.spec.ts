import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, kafkaServiceEnv, loadForceNodeConfig, loadToolConfig } from './config';
import { loadHubConfig } from './hub-config';

describe('Kafka credentials in configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-cred-'));
  writeFileSync(join(dir, 'force-36.password'), 's3cret\n');
  // Every service also needs its event keys (event-keys.ts); made here, the same for each case.
  const pem = (type: 'ed25519' | 'x25519', part: 'private' | 'public') => {
    const pair = generateKeyPairSync(type as 'ed25519');
    return part === 'private'
      ? pair.privateKey.export({ type: 'pkcs8', format: 'pem' })
      : pair.publicKey.export({ type: 'spki', format: 'pem' });
  };
  mkdirSync(join(dir, 'force-keys'));
  mkdirSync(join(dir, 'sealing-keys'));
  writeFileSync(join(dir, 'signing.key.pem'), pem('ed25519', 'private'));
  writeFileSync(join(dir, 'hub.pub.pem'), pem('x25519', 'public'));
  writeFileSync(join(dir, 'sealing-keys', 'h1.key.pem'), pem('x25519', 'private'));
  const forceKeys = {
    EVENT_SIGNING_KEY_FILE: join(dir, 'signing.key.pem'),
    EVENT_SIGNING_KEY_ID: 'k1',
    HUB_SEALING_PUBLIC_KEY_FILE: join(dir, 'hub.pub.pem'),
    HUB_SEALING_KEY_ID: 'h1',
  };
  const hubKeys = {
    HUB_FORCE_KEYS_DIR: join(dir, 'force-keys'),
    HUB_SEALING_KEYS_DIR: join(dir, 'sealing-keys'),
  };
  const base = {
    ...forceKeys,
    FORCE_CODE: '36',
    KAFKA_BROKERS: 'b1:9093,b2:9093',
    GRPC_INSECURE_PLAINTEXT: 'true',
  };

  it('reads the principal and its password file (trimmed), SCRAM-SHA-512 by default', () => {
    const cfg = loadForceNodeConfig({
      ...base,
      KAFKA_SASL_USERNAME: 'force-36',
      KAFKA_SASL_PASSWORD_FILE: join(dir, 'force-36.password'),
    });
    expect(cfg.kafka).toEqual({
      brokers: ['b1:9093', 'b2:9093'],
      clientId: 'force-node-36',
      sasl: { mechanism: 'scram-sha-512', username: 'force-36', password: 's3cret' },
    });
  });

  it('refuses to start without a principal or a password, or with two passwords', () => {
    expect(() => loadForceNodeConfig(base)).toThrow(/KAFKA_SASL_USERNAME/);
    expect(() => loadForceNodeConfig({ ...base, KAFKA_SASL_USERNAME: 'force-36' })).toThrow(
      /KAFKA_SASL_PASSWORD_FILE/,
    );
    expect(() =>
      loadForceNodeConfig({
        ...base,
        KAFKA_SASL_USERNAME: 'force-36',
        KAFKA_SASL_PASSWORD: 'x',
        KAFKA_SASL_PASSWORD_FILE: join(dir, 'force-36.password'),
      }),
    ).toThrow(/exactly one/);
    expect(() =>
      loadForceNodeConfig({
        ...base,
        KAFKA_SASL_USERNAME: 'force-36',
        KAFKA_SASL_PASSWORD_FILE: join(dir, 'missing'),
      }),
    ).toThrow(ConfigError);
  });

  it('turns TLS on with a CA file (SASL_SSL)', () => {
    writeFileSync(join(dir, 'ca.pem'), 'PEM');
    const cfg = loadHubConfig({
      ...hubKeys,
      KAFKA_BROKERS: 'b1:9093',
      KAFKA_SASL_USERNAME: 'hub',
      KAFKA_SASL_PASSWORD: 'p',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: join(dir, 'ca.pem'),
      GRPC_INSECURE_PLAINTEXT: 'true',
    });
    expect(cfg.kafka.tls?.ca?.toString()).toBe('PEM');
    expect(() =>
      loadHubConfig({
        ...hubKeys,
        KAFKA_BROKERS: 'b1:9093',
        KAFKA_SASL_USERNAME: 'hub',
        KAFKA_SASL_PASSWORD: 'p',
        KAFKA_SSL_CA_FILE: join(dir, 'ca.pem'),
        GRPC_INSECURE_PLAINTEXT: 'true',
      }),
    ).toThrow(/KAFKA_SSL is not true/);
  });

  it("refuses a hub consumer group outside the hub principal's ACL prefix", () => {
    const hub = {
      ...hubKeys,
      KAFKA_BROKERS: 'b1:9093',
      KAFKA_SASL_USERNAME: 'hub',
      KAFKA_SASL_PASSWORD: 'p',
      GRPC_INSECURE_PLAINTEXT: 'true',
    };
    expect(loadHubConfig({ ...hub, HUB_CONSUMER_GROUP: 'intel-hub-replay' }).consumer.groupId).toBe(
      'intel-hub-replay',
    );
    expect(() => loadHubConfig({ ...hub, HUB_CONSUMER_GROUP: 'other' })).toThrow(/intel-hub/);
  });

  it('gives a service started by a tool the password file of its own principal', () => {
    const tool = loadToolConfig({ KAFKA_BROKERS: 'b1:9093', KAFKA_CREDENTIALS_DIR: dir });
    expect(kafkaServiceEnv(tool, 'force-36')).toEqual({
      KAFKA_BROKERS: 'b1:9093',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'force-36',
      KAFKA_SSL: 'false',
      KAFKA_SASL_PASSWORD_FILE: join(dir, 'force-36.password'),
    });
    const without = loadToolConfig({ KAFKA_BROKERS: 'b1:9093' });
    expect(() => kafkaServiceEnv(without, 'hub')).toThrow(/KAFKA_CREDENTIALS_DIR/);
  });
});
