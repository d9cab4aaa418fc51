import { href, parseRoute } from './router';

describe('hash routes', () => {
  it('round-trips names, arguments and queries', () => {
    const h = href('explain', [], { a: '36/NF-1', b: '01/M 2' });
    const r = parseRoute(h);
    expect(r.name).toBe('explain');
    expect(r.query.get('a')).toBe('36/NF-1');
    expect(r.query.get('b')).toBe('01/M 2');
    const p = parseRoute(href('person', ['a/b c']));
    expect(p).toMatchObject({ name: 'person', args: ['a/b c'] });
  });

  it('an empty or odd hash is the default screen', () => {
    expect(parseRoute('').name).toBe('');
    expect(parseRoute('#/').name).toBe('');
    expect(parseRoute('#/person/%E0%A4%A').args).toEqual(['%E0%A4%A']);
  });
});
