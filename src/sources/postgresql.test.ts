import { describe, expect, it } from 'vitest';
import { postgresqlErrorCode, postgresqlSchema } from './postgresql.js';

describe('postgresqlSchema', () => {
  it('applies defaults', () => {
    expect(
      postgresqlSchema.parse({ host: 'db', database: 'app', user: 'tide', query: 'SELECT 1' }),
    ).toEqual({
      host: 'db',
      port: 5432,
      database: 'app',
      user: 'tide',
      tls: false,
      query: 'SELECT 1',
      timeoutMs: 5000,
    });
  });

  it.each([
    [{ host: 'db', database: 'app', user: 'tide' }, 'query'],
    [{ host: 'db', database: 'app', query: 'q' }, 'user'],
    [{ host: 'db', database: 'app', user: 'u', query: 'q', password: 'hunter2' }, 'password'],
    [{ host: 'db', database: 'app', user: 'u', query: 'q', extra: 1 }, ''],
  ])('rejects %j at "%s"', (config, path) => {
    const issues = postgresqlSchema.safeParse(config).error?.issues ?? [];
    expect(issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('postgresqlErrorCode', () => {
  const pgError = (code: string) => Object.assign(new Error(code), { code });
  it.each([
    [pgError('28P01'), 'Unauthorized'],
    [pgError('28000'), 'Unauthorized'],
    [pgError('42P01'), 'BadQuery'],
    [pgError('42601'), 'BadQuery'],
    [pgError('25006'), 'BadQuery'],
    [pgError('3D000'), 'BadQuery'],
    [pgError('57014'), 'Timeout'],
    [pgError('57P01'), 'Unavailable'],
    [pgError('53300'), 'Unavailable'],
    [pgError('ECONNREFUSED'), 'Unavailable'],
    [new Error('Connection terminated unexpectedly'), 'Unavailable'],
  ])('%s → %s', (e, code) => {
    expect(postgresqlErrorCode(e)).toBe(code);
  });
});
