// A process holding a national index and writing its snapshot over and over, for
// index-snapshot-kill.int-spec.ts to kill (SIGKILL) in the middle of a write; and the loader that
// then reads what was left. Plain JavaScript on the built code (dist/): the writer and the loader
// must be the same build (a snapshot of another build is refused by its fingerprint).
//
//   node snapshot-writer.child.js write <dir> <nominals>   prints "writing <w> <digest>", "written <w>"
//   node snapshot-writer.child.js load <dir> <watermark> <nominals>   prints {digest, watermark} or {refused}
'use strict';
const { createHash } = require('node:crypto');
const { join } = require('node:path');
const dist = join(__dirname, '..', '..', '..', 'dist');
const { NominalState } = require(join(dist, 'libs/contracts/src'));
const { MatchEngine } = require(join(dist, 'libs/matching/src'));
const { generatePersons } = require(join(dist, 'libs/synthetic/src'));
const { NationalIndex } = require(join(dist, 'apps/intel-hub/src/resolution/national-index'));
const snapshot = require(join(dist, 'apps/intel-hub/src/resolution/national-snapshot'));

const engine = MatchEngine.withPriors();

function states(n) {
  return generatePersons({ persons: n, forces: 4, seed: 4141 }).map((g, i) => ({
    key: `${g.forceCode}:g${i}`,
    state: NominalState.fromJSON({
      nominalId: `g${i}`,
      version: 1,
      names: g.record.names,
      datesOfBirth: g.record.dateOfBirth ? [g.record.dateOfBirth] : [],
      sex: g.record.sex ?? 'SEX_UNSPECIFIED',
      identifiers: g.record.identifiers ?? [],
      onlineIdentifiers: g.record.onlineIdentifiers ?? [],
      addresses: g.record.addresses ?? [],
    }),
  }));
}

/** What the index answers, hashed: counts, persons of a sample, candidates of sample queries. */
function digest(index, sample) {
  const out = [index.nominalCount, index.personCount];
  for (const { key, state } of sample) {
    out.push(key, index.personOfMember(key) ?? null, index.storedState(key)?.length ?? null);
    const q = {
      names: state.names,
      dateOfBirth: state.datesOfBirth[0],
      sex: state.sex,
      identifiers: state.identifiers,
      onlineIdentifiers: state.onlineIdentifiers,
      addresses: state.addresses,
    };
    out.push(
      index
        .check(q, 5)
        .map((c) => [c.id, c.score])
        .sort(),
    );
  }
  return createHash('sha256').update(JSON.stringify(out)).digest('hex').slice(0, 16);
}

async function main() {
  const [mode, dir, arg, count] = process.argv.slice(2);
  const all = states(Number(mode === 'write' ? arg : count));
  const sample = all.filter((_, i) => i % 97 === 0);
  if (mode === 'write') {
    const index = new NationalIndex(engine);
    all.forEach(({ key, state }, i) => {
      index.upsertNominal(key, state);
      index.setMembership(`p${i}`, i, key);
    });
    // Each snapshot differs from the one before by one nominal more.
    for (let w = 1; ; w++) {
      if (w > 1) {
        const extra = all[w % all.length];
        index.upsertNominal(`99:x${w}`, extra.state);
        sample.push({ key: `99:x${w}`, state: extra.state });
      }
      process.stdout.write(`writing ${w} ${digest(index, sample)}\n`);
      await snapshot.writeNationalSnapshot(dir, index, { seq: w, committedAt: String(w) });
      process.stdout.write(`written ${w}\n`);
    }
  }
  // The loader knows the extras the writer added up to this watermark.
  const w = Number(arg);
  for (let x = 2; x <= w; x++) sample.push({ key: `99:x${x}`, state: all[x % all.length].state });
  try {
    const { index, watermark } = await snapshot.loadNationalSnapshot(dir, engine, w);
    // The extras the writer had added up to the snapshot's own watermark.
    sample.splice(sample.length - (w - watermark));
    process.stdout.write(JSON.stringify({ digest: digest(index, sample), watermark }) + '\n');
  } catch (e) {
    if (!(e instanceof snapshot.SnapshotRefused)) throw e;
    process.stdout.write(JSON.stringify({ refused: e.reason }) + '\n');
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
