import { classifyFailure, failureLogFields } from './intake-failure';

const pg = (code: string, message = 'x') => Object.assign(new Error(message), { code });
/** typeorm's QueryFailedError keeps the pg error as driverError. */
const typeorm = (code: string) =>
  Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
    driverError: { code, table: 'person_record' },
  });

describe('classifyFailure: may a retry help?', () => {
  it.each([
    ['NUL in text (22021)', typeorm('22021')],
    ['NUL in jsonb (22P05)', typeorm('22P05')],
    ['unique violation (23505)', pg('23505')],
    ['index row too big (54000)', pg('54000')],
  ])('%s is a data failure: retrying the same record can never help', (_, err) => {
    expect(classifyFailure(err)).toBe('data');
  });

  it.each([
    ['admin shutdown (57P01)', pg('57P01')],
    ['cannot connect now (57P03)', pg('57P03')],
    ['connection failure (08006)', pg('08006')],
    ['too many connections (53300)', pg('53300')],
    ['serialization failure (40001)', pg('40001')],
    ['deadlock (40P01)', pg('40P01')],
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    ['connection terminated', new Error('Connection terminated unexpectedly')],
  ])('%s is retryable', (_, err) => {
    expect(classifyFailure(err)).toBe('retryable');
  });

  it.each([
    ['a defect', new TypeError('Cannot read properties of undefined')],
    ['a syntax error (42601)', pg('42601')],
    ['not an error', 'boom'],
  ])('%s is internal', (_, err) => {
    expect(classifyFailure(err)).toBe('internal');
  });

  it('logs the kind and SQLSTATE, never the message (PostgreSQL quotes values there)', () => {
    const fields = failureLogFields(typeorm('22021'));
    expect(fields).toMatchObject({ failure: 'data', sqlState: '22021', table: 'person_record' });
    expect(JSON.stringify(fields)).not.toContain('0x00');
  });
});
