import { runShutdownSteps } from './shutdown-steps';

describe('runShutdownSteps', () => {
  it('runs every step in order, and one that fails is logged without stopping the rest', async () => {
    const ran: string[] = [];
    const warned: Array<[unknown, string]> = [];
    await runShutdownSteps(
      [
        { what: 'a', run: () => void ran.push('a') },
        {
          what: 'consumer stop',
          run: () => Promise.reject(new Error('broker gone')),
        },
        {
          what: 'c',
          run: async () => {
            await new Promise((r) => setTimeout(r, 5));
            ran.push('c');
          },
        },
        { what: 'd', run: () => void ran.push('d') },
      ],
      { warn: (obj: unknown, msg: string) => void warned.push([obj, msg]) } as never,
    );
    expect(ran).toEqual(['a', 'c', 'd']);
    expect(warned).toEqual([
      [expect.objectContaining({ step: 'consumer stop' }), 'consumer stop failed'],
    ]);
  });
});
