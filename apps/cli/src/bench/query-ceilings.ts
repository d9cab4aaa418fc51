import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { withDatabase } from '@intel/db';
import { drive, type Load } from './load-driver';
import { withMachineLoad, type MachineLoad } from './machine-load';
import { BENCH_JUSTIFICATION } from './query-mix';

/** The bare grpc-js server for intel.v1.IntelQuery (echo-server.ts) as its own process. */
export async function startBareServer(): Promise<{
  address: string;
  pid: number;
  stop: () => void;
}> {
  const child = spawn(process.execPath, [join(__dirname, 'echo-server.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (l) =>
      resolve((JSON.parse(l) as { port: number }).port),
    );
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return {
    address: `127.0.0.1:${port}`,
    pid: child.pid ?? NaN,
    stop: () => child.kill('SIGTERM'),
  };
}

/** The floor under an audited answer, each part with the machine's load while it was measured. */
export interface CommitFloor {
  commitOnly: Load;
  commitMachine: MachineLoad;
  bareAndCommit: Load;
  bareAndCommitMachine: MachineLoad;
}

/**
 * The floor under any answer that is audited durably before it is returned: one auto-committed
 * INSERT of an audit-sized row (synchronous_commit as the server has it), one at a time; then a
 * call to the bare server followed by that commit. Its p99 is what this machine's disk and
 * transport allow a hub query's p99 to be, whatever the hub does. Measured in `dbName` (a table
 * of its own, dropped after), with the hub stopped.
 */
export async function measureCommitFloor(
  databaseUrl: string,
  dbName: string,
  bareCall: (i: number) => Promise<unknown>,
  durationMs: number,
): Promise<CommitFloor> {
  const db = new Client({ connectionString: withDatabase(databaseUrl, dbName) });
  await db.connect();
  try {
    await db.query(
      `CREATE TABLE IF NOT EXISTS bench_commit_floor (seq bigserial PRIMARY KEY, at timestamptz, entry jsonb)`,
    );
    const entry = JSON.stringify({
      action: 'CheckPerson',
      reason: BENCH_JUSTIFICATION.reason,
      request: { names: [{ given: ['William'], family: 'Hendry' }], dateOfBirth: '1980-01-01' },
      response: { matches: Array.from({ length: 5 }, (_, k) => ({ personId: `p${k}`, score: k })) },
      hash: 'f'.repeat(64),
    });
    const commit = () =>
      db.query({
        name: 'commit_floor',
        text: 'INSERT INTO bench_commit_floor (at, entry) VALUES (now(), $1)',
        values: [entry],
      });
    const [commitOnly, commitMachine] = await withMachineLoad(() => drive(commit, durationMs, 1));
    const [bareAndCommit, bareAndCommitMachine] = await withMachineLoad(() =>
      drive(
        async (i) => {
          await bareCall(i);
          await commit();
        },
        durationMs,
        1,
      ),
    );
    await db.query(`DROP TABLE bench_commit_floor`);
    return { commitOnly, commitMachine, bareAndCommit, bareAndCommitMachine };
  } finally {
    await db.end();
  }
}
