import { inTransaction, type Sql } from '@intel/db';
import { NominalState } from '@intel/contracts';
import { MatchEngine } from '@intel/matching';
import type { DataSource } from 'typeorm';
import type { ReplayRepositories } from './index-replay';
import { splitMemberKey, type MemberKey } from './member-key';
import { NationalIndex } from './national-index';
import type { NationalStoreRepository } from './national-store.repository';
import { chooseParameters } from './parameter-choice';

/** Live nominals read per query. */
const PAGE = 10_000;

/** Why the index cannot be restored as stored without committing anything. */
export class StoredIndexRefused extends Error {
  constructor(message: string) {
    super(`the index cannot be restored from the database as stored: ${message}`);
    this.name = 'StoredIndexRefused';
  }
}

/**
 * The national index exactly as the database stores it, committing nothing (the warm standby's
 * load when it has no usable snapshot: docs/hub.md "Warm standby"): every live nominal that
 * has a person goes into it with the stored links (`NationalIndex.restore`: nothing scored), every
 * stored membership and flag as stored, analysts' decisions in force; with the index commit it
 * reflects. All read in one REPEATABLE READ transaction, so the watermark is exactly the one
 * the rows reflect while the leader goes on committing.
 *
 * What a leader's restore would also do and commit (score nominals without a person yet, drop
 * members withdrawn before they were resolved) is left undone, as a snapshot leaves it: those
 * entities are on the resolution queue, which the standby drains once it leads. Refused when
 * the saved parameters are to be learned again (the leader's next start rebuilds the index:
 * the standby could only guess the result).
 */
export async function restoreStoredIndex(
  ds: DataSource,
  repos: Pick<ReplayRepositories, 'commits' | 'store' | 'viewFlags' | 'review'>,
  trainMinRecords: number,
): Promise<{ index: NationalIndex; watermark: number }> {
  return inTransaction(
    ds,
    async (tx) => {
      const watermark = await repos.commits.watermark(tx);
      const memberships = await repos.store.allMemberships(tx);
      const personOf = new Map(memberships.map((m) => [m.key, m.personId]));
      // Only nominals with a person are restored: their bytes are held until `restore` returns.
      const { held, live } = await heldNominals(tx, repos.store, personOf);
      const saved = await repos.store.savedParameters(tx);
      if (!saved) throw new StoredIndexRefused('the database holds no saved parameters');
      if (chooseParameters(saved, live, trainMinRecords) !== 'saved')
        throw new StoredIndexRefused('the parameters are to be learned again');
      const index = new NationalIndex(MatchEngine.fromParameters(saved.parameters));
      for (const c of await repos.review.activeConstraints(tx))
        index.matching.setConstraint(c.a, c.b, c.constraint);
      for (const m of memberships) index.setMembership(m.personId, m.seq, m.key);
      for (const [p, views] of await repos.viewFlags.all(tx)) index.setFlags(p, views);
      function* restored() {
        for (const h of held) yield { ...h, state: NominalState.decode(h.encoded) };
      }
      // In slices: a standby loads while its process answers probes.
      await index.restoreInSlices(restored(), await repos.store.allLinks(tx));
      return { index, watermark };
    },
    'REPEATABLE READ',
  );
}

/** The live nominals that have a person (as stored), and how many are live in all. */
async function heldNominals(
  tx: Sql,
  store: NationalStoreRepository,
  personOf: ReadonlyMap<MemberKey, string>,
): Promise<{ held: { key: MemberKey; encoded: Buffer; personId: string }[]; live: number }> {
  const held: { key: MemberKey; encoded: Buffer; personId: string }[] = [];
  let live = 0;
  let page: { key: MemberKey; encoded: Buffer }[] = [];
  do {
    const last = page[page.length - 1];
    page = await store.nominalPage(tx, last && splitMemberKey(last.key), PAGE);
    live += page.length;
    for (const n of page) {
      const personId = personOf.get(n.key);
      if (personId !== undefined) held.push({ ...n, personId });
    }
  } while (page.length === PAGE);
  return { held, live };
}
