import { indexLoadMode } from './bench-index';

describe('indexLoadMode: how a started hub loaded its index, from its log', () => {
  const loaded = (mode: string) =>
    JSON.stringify({ level: 'info', event: 'index-loaded', mode, msg: 'national index loaded' });

  it('reads the latest index-loaded line', () => {
    expect(indexLoadMode([loaded('restored'), '{"event":"ready"}'])).toBe('restored');
    expect(indexLoadMode([loaded('rebuilt'), loaded('snapshot')])).toBe('snapshot');
  });

  it('says unknown when no such line was kept, or it is not JSON', () => {
    expect(indexLoadMode(['{"event":"ready"}'])).toBe('unknown');
    expect(indexLoadMode(['index-loaded "index-loaded" in prose'])).toBe('unknown');
  });
});
