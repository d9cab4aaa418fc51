import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService } from '@intel/testing';
import { ForceNodeHarness } from '../../force-node/test/force-node.harness';
import { generatedLines } from '../src/commands/generate.command';
import { runImport, type ImportOptions } from '../src/commands/import.command';

// `npm run cli -- generate` then `import` against a real force node (real PostgreSQL and Kafka):
// the generated records are accepted, the damaged few are summarised by reason, and an import
// that meets a force node down (restarting, its database restarting) waits for it and goes on.
describe('import (integration: real force node)', () => {
  const node = new ForceNodeHarness('36');
  const dir = mkdtempSync(join(tmpdir(), 'import-'));
  const file = join(dir, 'persons.jsonl');
  const lines = [
    ...generatedLines({ persons: 600, forces: 1, seed: 3, scenario: 'baseline', restricted: 0.05 }),
  ];
  writeFileSync(file, lines.join('\n') + '\n');
  let port = 0;
  const options = (o: Partial<ImportOptions> = {}): ImportOptions => ({
    in: file,
    address: `127.0.0.1:${port}`,
    force: '36',
    batch: 100,
    fromLine: 1,
    retryFor: 60,
    ...o,
  });

  beforeAll(async () => {
    await node.start();
    port = node.node.grpcPort;
  });
  afterAll(async () => {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits for a force node that is down, then imports every line once', async () => {
    await node.node.stop();
    const importing = runImport(options());
    await new Promise((r) => setTimeout(r, 1500));
    node.node = await startService('force-node', { ...node.env(), GRPC_PORT: String(port) });
    const report = await importing;
    expect(report.stoppedAfterLine).toBeUndefined();
    expect(report.accepted + report.rejected).toBe(lines.length);
    expect(report.accepted).toBeGreaterThan(lines.length * 0.95);
    // Only the generator's deliberate damage is refused, never for want of handling.
    for (const { reason } of report.rejectedByReason) {
      expect(reason).toMatch(/^INVALID_ARGUMENT person\.(identifiers\[\d+\]\.value|dateOfBirth\.)/);
    }
    expect(report.rejectedByReason.reduce((n, r) => n + r.count, 0)).toBe(report.rejected);
  });

  it('says where it stopped when the node stays down, and resumes from there', async () => {
    await node.node.stop();
    const stopped = await runImport(options({ retryFor: 1, fromLine: 201 }));
    expect(stopped.stoppedAfterLine).toBe(200);
    expect(stopped.accepted).toBe(0);
    node.node = await startService('force-node', { ...node.env(), GRPC_PORT: String(port) });
    const resumed = await runImport(options({ fromLine: stopped.stoppedAfterLine! + 1 }));
    expect(resumed.stoppedAfterLine).toBeUndefined();
    expect(resumed.accepted + resumed.rejected).toBe(lines.length - 200);
  });
});
