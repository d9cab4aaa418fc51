import {
  classifyDatabaseError,
  databaseErrorClass,
  isDatabaseUnavailable,
} from './database-errors';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('classifyDatabaseError', () => {
  it('the server going away or unreachable is unavailable', () => {
    for (const e of [
      pgError('57P01', 'terminating connection due to administrator command'),
      pgError('57P03', 'the database system is starting up'),
      pgError('08006'),
      pgError('53300'),
      pgError('ECONNREFUSED'),
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('timeout exceeded when trying to connect'),
    ])
      expect(classifyDatabaseError(e)).toBe('unavailable');
  });

  it('looks through TypeORM (driverError) and causes', () => {
    const wrapped = Object.assign(new Error('Query failed'), {
      driverError: pgError('57P01'),
    });
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    expect(
      isDatabaseUnavailable(new Error('outer', { cause: new Error('Connection terminated') })),
    ).toBe(true);
  });

  it('collisions with other work are transient', () => {
    expect(classifyDatabaseError(pgError('40001'))).toBe('transient');
    expect(classifyDatabaseError(pgError('40P01'))).toBe('transient');
  });

  it('a refused statement or a code failure is the work’s own', () => {
    expect(classifyDatabaseError(pgError('21000', 'ON CONFLICT DO UPDATE …'))).toBe('own');
    expect(classifyDatabaseError(pgError('22021', 'invalid byte sequence'))).toBe('own');
    expect(classifyDatabaseError(new TypeError('x is undefined'))).toBe('own');
    expect(classifyDatabaseError(undefined)).toBe('own');
  });
});

describe('databaseErrorClass', () => {
  it('names the class, never the text', () => {
    expect(databaseErrorClass(pgError('22021', 'invalid byte sequence: secret name'))).toBe(
      'pg-22021',
    );
    expect(databaseErrorClass(pgError('ECONNREFUSED'))).toBe('ECONNREFUSED');
    expect(databaseErrorClass(new Error('Connection terminated unexpectedly'))).toBe(
      'connection-lost',
    );
    expect(databaseErrorClass(new TypeError('secret'))).toBe('TypeError');
  });
});
