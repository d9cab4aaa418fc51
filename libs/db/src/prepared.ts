import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Sql } from './transaction';

/** The part of node-postgres's client a named (prepared) statement uses. */
interface PreparingClient {
  query<R>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}

/** A statement's text and the name PostgreSQL keeps its plan under, per connection. */
export interface NamedStatement {
  name: string;
  text: string;
}

/**
 * Runs one auto-committed statement as a named (prepared) one on a connection of the data
 * source's pool, and gives its rows. PostgreSQL parses and plans a named statement once per
 * connection instead of once per call: for a short read, planning is most of its server time.
 * A name must always stand for the same text (node-postgres refuses it otherwise).
 */
export async function namedQuery<R>(
  ds: DataSource,
  statement: NamedStatement,
  values: unknown[],
): Promise<R[]> {
  const runner = ds.createQueryRunner();
  try {
    // TypeORM's connect() hands out the driver's own client, which can name a statement.
    const client = (await runner.connect()) as PreparingClient;
    const result = await client.query<R>({ ...statement, values });
    return result.rows;
  } finally {
    await runner.release();
  }
}

/** A pooled connection held for a run of named statements, until `release`. */
export interface HeldConnection {
  query<R>(statement: NamedStatement, values: unknown[]): Promise<R[]>;
  /** Gives the connection back to the pool (the next query checks one out again). */
  release(): Promise<void>;
}

/**
 * namedQuery's statements on one connection of the pool, checked out at the first and kept
 * until `release`: a statement that follows another is written to the server at once. (A
 * checkout from the pool answers on a later process tick, which Node runs only once every
 * pending promise continuation has run: a statement that needs one waits for all of them.)
 */
export function holdConnection(ds: DataSource): HeldConnection {
  let runner: ReturnType<DataSource['createQueryRunner']> | undefined;
  let client: PreparingClient | undefined;
  return {
    async query<R>(statement: NamedStatement, values: unknown[]): Promise<R[]> {
      if (!client) {
        runner = ds.createQueryRunner();
        client = (await runner.connect()) as PreparingClient;
      }
      const result = await client.query<R>({ ...statement, values });
      return result.rows;
    },
    async release(): Promise<void> {
      const held = runner;
      runner = undefined;
      client = undefined;
      await held?.release();
    },
  };
}

const names = new Map<string, string>();

/** A name for this text, the same for the same text in every process (a digest of it). */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `q_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * The data source as `Sql` whose every statement is named (namedQuery) after a digest of its
 * text: for reads of a few fixed statements run many times (an analyst's dossier), not for
 * statements whose text varies with their input (each would be kept on every connection).
 */
export function preparingSql(ds: DataSource): Sql {
  return {
    query: <T>(text: string, params: unknown[] = []) =>
      namedQuery(ds, { name: statementName(text), text }, params) as Promise<T>,
  };
}
