import { SentNotices } from './sent-notices';

describe('SentNotices', () => {
  it('a page opened before a notice was sent still finds it sent; one opened after cannot hold it', () => {
    const s = new SentNotices();
    const first = s.begin();
    const racing = s.begin(); // a poll fetched while the first page is being sent
    s.sentNow('n-1');
    s.end(first);
    expect(s.has('n-1')).toBe(true);
    const later = s.begin();
    s.end(racing);
    // Every page that began before n-1 was sent is done; a later one cannot hold it.
    expect(s.has('n-1')).toBe(false);
    s.end(later);
    expect(s.size).toBe(0);
  });

  it('stays as small as the pages in flight over a long watch', () => {
    const s = new SentNotices();
    let peak = 0;
    for (let i = 0; i < 10_000; i++) {
      const poll = s.begin();
      const push = s.begin();
      s.sentNow(`n-${i}`);
      s.end(push);
      expect(s.has(`n-${i}`)).toBe(true);
      peak = Math.max(peak, s.size);
      s.end(poll);
    }
    expect(peak).toBe(1);
    expect(s.size).toBe(0);
  });
});
