import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type LogEntry } from 'kafkajs';

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
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
