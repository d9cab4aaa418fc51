import type { PreparedIndex, StartedHub } from './bench-index';
import { indexFigures } from './bench-index';
import type { BenchFigure } from './bench-report';
import type { MeasuredAlone } from './load-driver';
import { machineNote, type Resident } from './machine-load';
import type { CommitFloor } from './query-ceilings';

/** The query bench's table: each RPC beside the bare server, the floor, the hub's memory and start. */
export function queryFigures(r: {
  /** CheckPerson, summary answers (the target's); full answers; CheckIdentifiers (summary). */
  cp: MeasuredAlone;
  cpFull: MeasuredAlone;
  ci: MeasuredAlone;
  bareCp: MeasuredAlone;
  bareCi: MeasuredAlone;
  floor: CommitFloor;
  index: PreparedIndex;
  started: StartedHub;
  resident: Resident;
  concurrency: number;
}): BenchFigure[] {
  const { floor } = r;
  // p99 one at a time: 5 ms, or the disk's own durable-commit p99 + 1 ms when that is above 4 ms.
  const commitP99 = floor.commitOnly.p99Ms;
  const p99Limit = commitP99 > 4 ? commitP99 + 1 : 5;
  const p99Target =
    commitP99 > 4 ? `≤ durable-commit p99 + 1 ms (${p99Limit.toFixed(1)})` : '≤ 5 ms';
  const rpcFigures = (
    rpc: string,
    m: MeasuredAlone,
    bare: MeasuredAlone,
    targeted = true,
  ): BenchFigure[] => [
    {
      name: `${rpc} calls/s (${r.concurrency} in flight) [${machineNote(m.machine.load)}]`,
      value: m.load.qps,
      unit: 'calls/s',
      ceiling: { name: 'bare grpc-js server, hub stopped', value: bare.load.qps },
      ...(targeted
        ? { target: '≥ 0.5 of the ceiling', meetsTarget: m.load.qps >= 0.5 * bare.load.qps }
        : {}),
    },
    {
      name: `${rpc} p50 (one at a time) [${machineNote(m.machine.one)}]`,
      value: m.one.p50Ms,
      unit: 'ms',
      ceiling: { name: 'bare server p50', value: bare.one.p50Ms },
    },
    {
      name: `${rpc} p99 (one at a time)`,
      value: m.one.p99Ms,
      unit: 'ms',
      // An audited answer cannot beat the bare server plus one durable commit.
      ceiling: { name: 'bare server + durable commit p99', value: floor.bareAndCommit.p99Ms },
      ...(targeted ? { target: p99Target, meetsTarget: m.one.p99Ms <= p99Limit } : {}),
    },
    ...(m.open
      ? [
          {
            name: `${rpc} open loop at ${m.open.offeredRate.toFixed(0)}/s: achieved [${machineNote(m.machine.open)}]`,
            value: m.open.achievedRate,
            unit: 'calls/s',
          },
          { name: `  open loop p50`, value: m.open.latency.p50, unit: 'ms' },
          { name: `  open loop p99`, value: m.open.latency.p99, unit: 'ms' },
          { name: `  open loop p99.9`, value: m.open.latency.p999, unit: 'ms' },
          {
            // The client's own stalls count in the latencies above as if they were the hub's.
            name: `  bench client's own event-loop delay, p99 / max`,
            value: m.open.clientLoopDelay.p99,
            unit: `ms / ${m.open.clientLoopDelay.max.toPrecision(3)} ms`,
          },
        ]
      : []),
    {
      name: `${rpc} CPU per call, hub (${r.concurrency} in flight)`,
      value: m.cpu.hub ?? NaN,
      unit: 'ms',
      ceiling: { name: 'bare server', value: bare.cpu.server ?? NaN },
    },
    { name: `  PostgreSQL per ${rpc} (audit, alerts)`, value: m.cpu.PostgreSQL ?? NaN, unit: 'ms' },
    {
      name: `  bench client per ${rpc}`,
      value: m.cpu.client ?? NaN,
      unit: 'ms',
      ceiling: { name: 'bare server call', value: bare.cpu.client ?? NaN },
    },
  ];
  const gb = (bytes: number) => bytes / 2 ** 30;
  return [
    ...rpcFigures('CheckPerson (summary)', r.cp, r.bareCp),
    ...rpcFigures('CheckPerson (full)', r.cpFull, r.bareCp, false),
    ...rpcFigures('CheckIdentifiers (summary)', r.ci, r.bareCi),
    {
      name: `bare server (hub stopped): CheckIdentifiers calls/s [${machineNote(r.bareCi.machine.load)}]`,
      value: r.bareCi.load.qps,
      unit: 'calls/s',
    },
    {
      name: `bare server (hub stopped): CheckPerson calls/s [${machineNote(r.bareCp.machine.load)}]`,
      value: r.bareCp.load.qps,
      unit: 'calls/s',
    },
    {
      name: `bare server alone, p50 / p99 (one at a time) [${machineNote(r.bareCp.machine.one)}]`,
      value: r.bareCp.one.p50Ms,
      unit: `ms / ${r.bareCp.one.p99Ms.toPrecision(3)} ms`,
    },
    {
      name: `floor: durable 1-row commit, p50 / p99 (one at a time) [${machineNote(floor.commitMachine)}]`,
      value: floor.commitOnly.p50Ms,
      unit: `ms / ${floor.commitOnly.p99Ms.toPrecision(3)} ms`,
    },
    {
      name: `floor: bare server + durable 1-row commit, p99 [${machineNote(floor.bareAndCommitMachine)}]`,
      value: floor.bareAndCommit.p99Ms,
      unit: 'ms',
    },
    {
      name: 'hub resident memory, serving (after the runs)',
      value: gb(r.resident.rssBytes),
      unit: 'GiB',
    },
    { name: 'hub resident memory, peak', value: gb(r.resident.peakBytes), unit: 'GiB' },
    ...indexFigures({ ...r.index, ...r.started }),
  ];
}
