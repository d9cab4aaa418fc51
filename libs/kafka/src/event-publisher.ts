export interface OutgoingMessage {
  topic: string;
  key: string;
  /** null = tombstone. */
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Sends batches of messages to Kafka; `close` releases the producer. */
export interface EventPublisher {
  publish(messages: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}
