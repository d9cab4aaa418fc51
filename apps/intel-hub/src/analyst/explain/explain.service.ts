import type { RecordRef } from '@intel/contracts';
import { maySee, nominalRef } from '@intel/disclosure';
import type { HeldLink, MatchInput } from '@intel/matching';
import type { DataSource } from 'typeorm';
import type { MemberView } from '../../flags/derive-flags';
import { PersonNotFoundError, queryableIndex } from '../../query/intel-query.service';
import { memberKey, splitMemberKey, type MemberKey } from '../../resolution/member-key';
import type { NationalIndex } from '../../resolution/national-index';
import type { NationalStoreRepository } from '../../resolution/national-store.repository';
import type { ResolutionService } from '../../resolution/resolution.service';
import { explainLink, type LinkExplanation } from './link-explanation';
import { linksFor, type PersonLink } from './link-list';
import { buildNetwork, type Network, type SharedHolder } from './network';
import { recordIdentifiers, type RecordIdentifier } from './record-identifiers';

/** A record named as `NN/nominalId`. */
export interface RecordName {
  forceCode: string;
  nominalId: string;
}

export class RecordNotFoundError extends Error {}

/**
 * The analysts' explanation, links and network, answered in the hub from its national index
 * (in memory: nothing but a person's incidents is read from the database) through the pure
 * builders of this folder, which apply `@intel/disclosure` for the recipient. No audit here:
 * the controllers audit what each answer disclosed.
 */
export class ExplainService {
  constructor(
    private readonly ds: DataSource,
    private readonly store: NationalStoreRepository,
    private readonly resolution: ResolutionService,
  ) {}

  private index(): NationalIndex {
    return queryableIndex(this.resolution);
  }

  /** The live person an id stands for now (an id merged away is followed to the survivor). */
  async person(personId: string): Promise<{ index: NationalIndex; personId: string }> {
    const index = this.index();
    const current = await this.store.currentPersonId(this.ds, personId);
    if (!current || !index.hasPerson(current.id))
      throw new PersonNotFoundError(`personId: no live national person ${personId}`);
    return { index, personId: current.id };
  }

  async links(personId: string, recipient: string): Promise<Read<PersonLink[]>> {
    const p = await this.person(personId);
    const members = p.index.membersOf(p.personId);
    const views = p.index.views(members);
    const held = p.index.matching.linksAmong(members);
    const hidden = hiddenRefs(recipient, members, views);
    const hiddenKeys = new Set(hidden.map((r) => memberKey(r.forceCode, r.id)));
    return {
      personId: p.personId,
      answer: linksFor(recipient, held, (k) => views.get(k)),
      persons: [p.personId],
      hidden,
      withheld: held.filter((l) => hiddenKeys.has(l.a) || hiddenKeys.has(l.b)),
    };
  }

  explanation(a: RecordName, b: RecordName, recipient: string): Read<LinkExplanation> {
    const index = this.index();
    const ka = memberKey(a.forceCode, a.nominalId);
    const kb = memberKey(b.forceCode, b.nominalId);
    const views = index.views([ka, kb]);
    const va = views.get(ka);
    const vb = views.get(kb);
    if (!va) throw new RecordNotFoundError(`a: no live record ${a.forceCode}/${a.nominalId}`);
    if (!vb) throw new RecordNotFoundError(`b: no live record ${b.forceCode}/${b.nominalId}`);
    const score = () => {
      const w = index.matching.waterfall(ka, kb);
      if (!w) throw new RecordNotFoundError('a, b: not in the matching index');
      return w;
    };
    const persons = [ka, kb].map((k) => index.personOfMember(k) ?? '').filter((x) => x !== '');
    return {
      personId: persons[0] ?? '',
      answer: explainLink(recipient, va, vb, score, index.matching.linksAmong([ka, kb])[0]),
      persons: [...new Set(persons)],
      hidden: hiddenRefs(recipient, [ka, kb], views),
      withheld: [],
    };
  }

  async network(personId: string, depth: 1 | 2, recipient: string): Promise<Read<Network>> {
    const p = await this.person(personId);
    const members = p.index.membersOf(p.personId);
    const views = p.index.views(members);
    const incidents = await this.store.incidentsOf(this.ds, members);
    const network = buildNetwork(recipient, {
      personId: p.personId,
      members: members.map((k) => views.get(k) ?? splitMemberKey(k)),
      incidents: [...incidents].flatMap(([k, list]) =>
        list.map((i) => ({ ...i, subject: splitMemberKey(k) })),
      ),
      depth,
      holdersOf: (id) => holdersOf(p.index, id),
    });
    const persons = network.nodes
      .filter((n) => n.type === 'person')
      .map((n) => n.id.slice('person:'.length));
    return {
      personId: p.personId,
      answer: network,
      persons,
      hidden: hiddenRefs(recipient, members, views),
      withheld: [],
    };
  }
}

/** An answer, with what its audit entry and alerts need. */
export interface Read<T> {
  /** The person asked about (an id merged away: the survivor). */
  personId: string;
  answer: T;
  /** Persons the answer shows (their flagged views alert their forces). */
  persons: string[];
  /** Other forces' C records behind it (their owners are told of the interest). */
  hidden: RecordRef[];
  /** Hidden links, for the audit entry only. */
  withheld: HeldLink[];
}

/** The records among `keys` that `recipient` may not see (state not at hand: restricted). */
function hiddenRefs(
  recipient: string,
  keys: readonly MemberKey[],
  views: ReadonlyMap<MemberKey, MemberView>,
): RecordRef[] {
  return keys
    .filter((k) => {
      const v = views.get(k);
      return !v || !maySee(recipient, v);
    })
    .map((k) => {
      const { forceCode, nominalId } = splitMemberKey(k);
      return nominalRef(forceCode, nominalId);
    });
}

/**
 * Records holding an identifier exactly, with their persons: the records sharing its blocking
 * key, kept when they hold the same canonical identifier (as CheckIdentifiers does).
 */
function holdersOf(index: NationalIndex, id: RecordIdentifier): SharedHolder[] {
  const input: MatchInput =
    'online' in id.source
      ? { names: [], onlineIdentifiers: [id.source.online] }
      : { names: [], identifiers: [id.source.identifier] };
  const out: SharedHolder[] = [];
  const views = index.views(index.matching.candidates(input));
  for (const [k, m] of views) {
    const personId = index.personOfMember(k);
    if (personId && holds(m, id.key)) out.push({ personId, member: m });
  }
  return out;
}

function holds(m: MemberView, key: string): boolean {
  return recordIdentifiers(m.state).some((i) => i.key === key);
}
