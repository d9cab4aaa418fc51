import { chooseParameters } from './parameter-choice';

describe('chooseParameters', () => {
  const MIN = 5_000;

  it('learns on first start: from the index when it is large enough, else the reference set', () => {
    expect(chooseParameters(undefined, 4_999, MIN)).toBe('reference');
    expect(chooseParameters(undefined, 5_000, MIN)).toBe('index');
  });

  it('keeps saved parameters while the index has not outgrown them', () => {
    expect(chooseParameters({ source: 'reference', nominals: 10 }, 4_999, MIN)).toBe('saved');
    expect(chooseParameters({ source: 'index', nominals: 6_000 }, 11_999, MIN)).toBe('saved');
    // Shrinking never forces a re-learn.
    expect(chooseParameters({ source: 'index', nominals: 6_000 }, 100, MIN)).toBe('saved');
  });

  it('learns again once the index can teach them or has doubled', () => {
    expect(chooseParameters({ source: 'reference', nominals: 4_000 }, 5_000, MIN)).toBe('index');
    expect(chooseParameters({ source: 'index', nominals: 6_000 }, 12_000, MIN)).toBe('index');
  });
});
