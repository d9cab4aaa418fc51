import { FlagType } from '@intel/contracts';
import { approvalReasons, type PersonPicture } from './approval-rule';

const RSO = FlagType.FLAG_TYPE_REGISTERED_SEX_OFFENDER;
const REPEAT = FlagType.FLAG_TYPE_REPEAT_OFFENDER;
const CROSS = FlagType.FLAG_TYPE_CROSS_FORCE;

const person = (keys: string[], flags: FlagType[] = []): PersonPicture => ({
  records: keys.map((key) => ({ key, forceCode: key.slice(0, 2) })),
  flags,
});

describe('approvalReasons (supervisor approval of a review judgement)', () => {
  it('UNSURE never waits, whatever the pictures say', () => {
    expect(approvalReasons('UNSURE', [person(['36:a'])], [person(['36:a'], [RSO])])).toEqual([]);
  });

  it('a SAME within one force that changes no watched flag takes effect at once', () => {
    const before = [person(['36:a']), person(['36:b'])];
    expect(approvalReasons('SAME', before, [person(['36:a', '36:b'])])).toEqual([]);
  });

  it('a SAME across forces waits, even when no flag changes', () => {
    const before = [person(['36:a']), person(['01:b'])];
    expect(approvalReasons('SAME', before, [person(['36:a', '01:b'], [CROSS])])).toEqual([
      'CROSS_FORCE_MERGE',
    ]);
  });

  it('a record joining a person that already spans forces is a merge across forces', () => {
    const before = [person(['36:a', '01:c']), person(['36:b'])];
    expect(approvalReasons('SAME', before, [person(['36:a', '01:c', '36:b'])])).toEqual([
      'CROSS_FORCE_MERGE',
    ]);
  });

  it('a SAME that gives a record the RSO flag waits', () => {
    const before = [person(['36:a'], [RSO]), person(['36:b'])];
    expect(approvalReasons('SAME', before, [person(['36:a', '36:b'], [RSO])])).toEqual([
      'RSO_FLAG_ADDED',
    ]);
  });

  it('a SAME that makes a repeat offender of two one-incident persons waits', () => {
    const before = [person(['36:a']), person(['36:b'])];
    expect(approvalReasons('SAME', before, [person(['36:a', '36:b'], [REPEAT])])).toEqual([
      'REPEAT_OFFENDER_FLAG_ADDED',
    ]);
  });

  it('a NOT_SAME that splits a flagged person waits, naming every flag that goes', () => {
    const before = [person(['36:a', '36:b'], [RSO, REPEAT])];
    const after = [person(['36:a'], [RSO]), person(['36:b'])];
    expect(approvalReasons('NOT_SAME', before, after)).toEqual([
      'REPEAT_OFFENDER_FLAG_REMOVED',
      'RSO_FLAG_REMOVED',
    ]);
  });

  it('a NOT_SAME on two persons already apart changes nothing and takes effect at once', () => {
    const before = [person(['36:a'], [RSO]), person(['01:b'], [REPEAT])];
    expect(approvalReasons('NOT_SAME', before, before)).toEqual([]);
  });

  it('a split is never a merge across forces, and other flags do not count', () => {
    const before = [person(['36:a', '01:b'], [CROSS])];
    const after = [person(['36:a']), person(['01:b'])];
    expect(approvalReasons('NOT_SAME', before, after)).toEqual([]);
  });

  it('a record the preview does not place is taken as unchanged', () => {
    const before = [person(['36:a'], [RSO]), person(['36:b'])];
    expect(approvalReasons('SAME', before, [person(['36:b'])])).toEqual([]);
  });
});
