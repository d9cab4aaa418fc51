import { GENESIS_HASH, chainHash, type AuditRow } from './audit-entry';
import {
  AuditChainVerifier,
  MAX_AUDIT_PROBLEMS,
  verifyRows,
  type AuditHead,
  type StoredAuditRow,
} from './audit-chain.verifier';

/** A valid chain of n rows, and its head. */
function chain(n: number): { rows: AuditRow[]; head: AuditHead } {
  const rows: AuditRow[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const unhashed = {
      seq,
      at: new Date(Date.UTC(2025, 10, 30, 9, 0, seq)),
      callerForce: '36',
      callerName: `officer ${seq}`,
      action: 'CheckPerson',
      purposeCode: 'SAFEGUARDING',
      reason: `reason ${seq}`,
      operationRef: 'OP-ALDER',
      request: { surname: 'SMITH', n: seq },
      response: { hits: seq % 3 },
      recipients: ['36'],
      prevHash,
    };
    const row = { ...unhashed, hash: chainHash(prevHash, unhashed) };
    rows.push(row);
    prevHash = row.hash;
  }
  return { rows, head: { seq: n, hash: prevHash } };
}

function seqs(result: { problems: Array<{ seq: number }> }): number[] {
  return result.problems.map((p) => p.seq);
}

describe('verifyRows', () => {
  it('given an intact chain and its head, then it is ok', () => {
    const { rows, head } = chain(10);
    expect(verifyRows(rows, head)).toEqual({
      ok: true,
      rows: 10,
      problems: [],
      truncated: false,
      head,
    });
  });

  it('given an empty log and no head, then it is ok', () => {
    expect(verifyRows([], undefined)).toMatchObject({ ok: true, rows: 0, problems: [] });
  });

  it('given a row whose reason was changed, then that row alone is reported as altered', () => {
    const { rows, head } = chain(10);
    rows[4] = { ...rows[4]!, reason: 'nothing to see' };
    const result = verifyRows(rows, head);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ seq: 5, problem: expect.stringContaining('altered') }]);
  });

  it('given an altered row whose hash was recomputed, then the next row no longer links to it', () => {
    const { rows, head } = chain(10);
    const forged = { ...rows[4]!, reason: 'nothing to see' };
    rows[4] = { ...forged, hash: chainHash(forged.prevHash, forged) };
    expect(verifyRows(rows, head).problems).toEqual([
      { seq: 6, problem: expect.stringContaining('does not link to row 5') },
    ]);
  });

  it('given a middle row deleted, then the missing seq is reported once', () => {
    const { rows, head } = chain(10);
    rows.splice(4, 1);
    expect(verifyRows(rows, head).problems).toEqual([
      { seq: 5, problem: 'row 5 is missing (deleted)' },
    ]);
  });

  it('given several rows deleted, then the range is reported from the first missing', () => {
    const { rows, head } = chain(10);
    rows.splice(2, 3);
    expect(verifyRows(rows, head).problems).toEqual([
      { seq: 3, problem: 'rows 3..5 are missing (deleted)' },
    ]);
  });

  it('given the first row deleted, then seq 1 is reported', () => {
    const { rows, head } = chain(3);
    expect(seqs(verifyRows(rows.slice(1), head))).toEqual([1]);
  });

  it('given the last rows deleted, then the head shows it from the first missing seq', () => {
    const { rows, head } = chain(10);
    expect(verifyRows(rows.slice(0, 9), head).problems).toEqual([
      { seq: 10, problem: expect.stringContaining('missing from the end') },
    ]);
    expect(seqs(verifyRows(rows.slice(0, 7), head))).toEqual([8]);
    expect(seqs(verifyRows([], head))).toEqual([1]);
  });

  it('given two rows swapped (their seqs exchanged), then both are reported', () => {
    const { rows, head } = chain(10);
    const [a, b] = [rows[3]!, rows[4]!];
    rows[3] = { ...b, seq: 4 };
    rows[4] = { ...a, seq: 5 };
    const result = verifyRows(rows, head);
    expect(result.ok).toBe(false);
    expect(new Set(seqs(result))).toEqual(new Set([4, 5, 6]));
  });

  it('given a row appended without moving the head, then it is reported', () => {
    const { rows, head } = chain(10);
    const longer = chain(11).rows;
    expect(verifyRows(longer, head).problems).toEqual([
      { seq: 11, problem: expect.stringContaining('not in audit_head') },
    ]);
    expect(verifyRows(rows, head).ok).toBe(true);
  });

  it('given a row inserted with seq 0, then it is reported and the chain after it still verifies', () => {
    const { rows, head } = chain(3);
    const stray = { ...rows[0]!, seq: 0 };
    expect(seqs(verifyRows([stray, ...rows], head))).toEqual([0]);
  });

  it('given a head whose hash differs from the last row, then it is reported', () => {
    const { rows, head } = chain(3);
    expect(verifyRows(rows, { ...head, hash: GENESIS_HASH }).problems).toEqual([
      { seq: 3, problem: expect.stringContaining('audit_head hash') },
    ]);
  });

  it('given rows but no head, then it is reported', () => {
    const { rows } = chain(3);
    expect(seqs(verifyRows(rows, undefined))).toEqual([3]);
  });

  it('given a first row not chained to genesis, then it is reported', () => {
    const { rows, head } = chain(2);
    const first = { ...rows[0]!, prevHash: 'a'.repeat(64) };
    rows[0] = { ...first, hash: chainHash(first.prevHash, first) };
    expect(verifyRows(rows, head).problems[0]).toEqual({
      seq: 1,
      problem: 'row 1 does not start from the genesis hash',
    });
  });

  it('given more problems than the limit, then it lists the limit and says there were more', () => {
    const { rows, head } = chain(20);
    const tampered = rows.map((r) => ({ ...r, reason: 'x' }));
    const result = verifyRows(tampered, head, 5);
    expect(result).toMatchObject({ ok: false, rows: 20, truncated: true });
    expect(seqs(result)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('AuditChainVerifier over a range', () => {
  /** Rows from..to of chain(n), checked from the hash before `from`, ending at `to`. */
  function range(rows: AuditRow[], from: number, to: number, prevHash?: string) {
    const v = new AuditChainVerifier(MAX_AUDIT_PROBLEMS, {
      seq: from,
      prevHash: prevHash ?? (from === 1 ? GENESIS_HASH : rows[from - 2]!.hash),
    });
    for (const r of rows.filter((x) => x.seq >= from && x.seq <= to)) v.push(r);
    return v.finishRange(to, rows.find((x) => x.seq === to + 1)?.prevHash);
  }

  it('given an intact middle range, then it is ok and counts only its rows', () => {
    const { rows } = chain(10);
    expect(range(rows, 4, 7)).toMatchObject({ ok: true, rows: 4, problems: [] });
  });

  it('given an altered row inside the range, then only that row is reported', () => {
    const { rows } = chain(10);
    rows[5] = { ...rows[5]!, reason: 'changed' };
    expect(range(rows, 4, 7).problems).toEqual([
      { seq: 6, problem: expect.stringContaining('altered') },
    ]);
  });

  it('given the first row of the range recomputed, then its link from the row before breaks', () => {
    const { rows } = chain(10);
    const forged = { ...rows[3]!, prevHash: 'a'.repeat(64) };
    rows[3] = { ...forged, hash: chainHash(forged.prevHash, forged) };
    expect(seqs(range(rows, 4, 4))).toEqual([4, 5]);
  });

  it('given the last row of the range recomputed, then the row after it no longer links', () => {
    const { rows } = chain(10);
    const forged = { ...rows[6]!, reason: 'changed' };
    rows[6] = { ...forged, hash: chainHash(forged.prevHash, forged) };
    expect(range(rows, 4, 7).problems).toEqual([
      { seq: 8, problem: 'row 8 does not link to row 7 (prevHash differs from its hash)' },
    ]);
  });

  it('given rows missing at the start, middle or end of the range, then the first missing seq is reported', () => {
    const { rows } = chain(10);
    const without = (...gone: number[]) => rows.filter((r) => !gone.includes(r.seq));
    expect(seqs(range(without(4), 4, 7))).toEqual([4]);
    expect(range(without(5, 6), 4, 7).problems).toEqual([
      { seq: 5, problem: 'rows 5..6 are missing (deleted)' },
    ]);
    expect(range(without(7), 4, 7).problems).toEqual([
      { seq: 7, problem: 'row 7 is missing (deleted)' },
    ]);
  });

  it('given no hash before the range (that row is gone), then the first link is not checked', () => {
    const { rows } = chain(10);
    const v = new AuditChainVerifier(MAX_AUDIT_PROBLEMS, { seq: 4, prevHash: undefined });
    for (const r of rows.slice(3, 7)) v.push(r);
    expect(v.finishRange(7, rows[7]!.prevHash).ok).toBe(true);
  });

  it('given a range that reaches the head, then finish compares it with audit_head', () => {
    const { rows, head } = chain(10);
    const v = new AuditChainVerifier(MAX_AUDIT_PROBLEMS, { seq: 8, prevHash: rows[6]!.hash });
    for (const r of rows.slice(7, 9)) v.push(r);
    expect(v.finish(head).problems).toEqual([
      { seq: 10, problem: expect.stringContaining('missing from the end') },
    ]);
  });
});

describe('verifyRows: the persons column (person_ids, not hashed)', () => {
  /** A chain whose rows name persons, each with the column as the appender writes it. */
  function withPersons(n: number) {
    const { rows, head } = chain(n);
    let prevHash = GENESIS_HASH;
    const stored: StoredAuditRow[] = rows.map((r) => {
      const unhashed = {
        ...r,
        request: { personId: `p${r.seq}`, options: { nationalPersonId: 'shared' } },
        prevHash,
      };
      const row = {
        ...unhashed,
        hash: chainHash(prevHash, unhashed),
        personIds: ['shared', `p${r.seq}`],
      };
      prevHash = row.hash;
      return row;
    });
    return { rows: stored, head: { ...head, hash: prevHash } };
  }

  it('given every row’s column as its request and response name them (in any order), then it is ok', () => {
    const { rows, head } = withPersons(5);
    rows[2]!.personIds = [...rows[2]!.personIds!].reverse();
    expect(verifyRows(rows, head)).toMatchObject({ ok: true, problems: [] });
  });

  it('given a column changed to hide a person, to add one, or emptied, then that row is reported', () => {
    for (const change of [['shared'], ['shared', 'p2', 'p9'], [], null]) {
      const { rows, head } = withPersons(5);
      rows[1]!.personIds = change;
      expect(verifyRows(rows, head).problems).toEqual([
        { seq: 2, problem: expect.stringContaining('persons column (person_ids) differs') },
      ]);
    }
  });

  it('given a column with an id repeated, then that row is reported', () => {
    const { rows, head } = withPersons(3);
    rows[0]!.personIds = ['shared', 'p1', 'p1'];
    expect(seqs(verifyRows(rows, head))).toEqual([1]);
  });

  it('given rows read without the column, then only the chain is checked', () => {
    const { rows, head } = chain(3);
    expect(verifyRows(rows, head).ok).toBe(true);
  });
});
