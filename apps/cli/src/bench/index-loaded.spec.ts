import { indexLoaded } from './bench-index';

describe('indexLoaded: how a started hub loaded its index, and how many nominals, from its log', () => {
  const loaded = (mode: string, nominals = 7) =>
    JSON.stringify({
      level: 'info',
      event: 'index-loaded',
      mode,
      nominals,
      msg: 'national index loaded',
    });

  it('reads the latest index-loaded line', () => {
    expect(indexLoaded([loaded('restored'), '{"event":"ready"}'])).toEqual({
      mode: 'restored',
      nominals: 7,
    });
    expect(indexLoaded([loaded('rebuilt', 5), loaded('snapshot', 0)])).toEqual({
      mode: 'snapshot',
      nominals: 0,
    });
  });

  it('says unknown when no such line was kept, or it is not JSON', () => {
    expect(indexLoaded(['{"event":"ready"}'])).toEqual({ mode: 'unknown' });
    expect(indexLoaded(['index-loaded "index-loaded" in prose'])).toEqual({ mode: 'unknown' });
  });
});
