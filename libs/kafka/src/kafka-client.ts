import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type LogEntry } from 'kafkajs';

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  /** The principal this client authenticates as; brokers refuse clients without one. */
  sasl?: {
    mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain';
    username: string;
    password: string;
  };
  /** TLS to the brokers (SASL_SSL); `ca` undefined = the system's trust store. */
  tls?: { ca?: Buffer };
}

export type KafkaLogSink = (
  level: 'error' | 'warn' | 'info' | 'debug',
  message: string,
  extra: object,
) => void;

/**
 * kafkajs is unmaintained; it stays behind this library (DEVELOPERS.md). Nothing outside
 * libs/kafka imports it in application code.
 */
export function createKafka(conn: KafkaConnection, sink?: KafkaLogSink): Kafka {
  const config: KafkaJsConfig = {
    clientId: conn.clientId,
    brokers: conn.brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
  };
  if (conn.sasl) {
    const { mechanism, username, password } = conn.sasl;
    config.sasl =
      mechanism === 'plain'
        ? { mechanism, username, password }
        : mechanism === 'scram-sha-256'
          ? { mechanism, username, password }
          : { mechanism, username, password };
  }
  if (conn.tls) config.ssl = conn.tls.ca ? { ca: [conn.tls.ca] } : true;
  if (sink) {
    config.logCreator =
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        const lvl =
          level === logLevel.ERROR
            ? 'error'
            : level === logLevel.WARN
              ? 'warn'
              : level === logLevel.INFO
                ? 'info'
                : 'debug';
        sink(lvl, `kafkajs: ${message}`, extra);
      };
  }
  return new Kafka(config);
}
