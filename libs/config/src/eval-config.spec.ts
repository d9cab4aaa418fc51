import { join } from 'node:path';
import { febrlDir } from './eval-config';

describe('febrlDir', () => {
  const root = join('/', 'src', 'intel');

  it('given FEBRL_DIR relative, then it is taken from the repository root', () => {
    expect(febrlDir(root, { FEBRL_DIR: 'data/febrl' })).toBe(join(root, 'data', 'febrl'));
  });

  it('given FEBRL_DIR absolute, then it is used as it is', () => {
    expect(febrlDir(root, { FEBRL_DIR: '/srv/febrl' })).toBe(join('/', 'srv', 'febrl'));
  });

  it('given no FEBRL_DIR (or an empty one), then the folder beside the checkout', () => {
    const beside = join('/', 'src', 'shared', 'data', 'febrl');
    expect(febrlDir(root, {})).toBe(beside);
    expect(febrlDir(root, { FEBRL_DIR: '' })).toBe(beside);
  });
});
