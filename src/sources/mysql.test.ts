import { describe, expect, it } from 'vitest';
import { mysqlErrorCode, mysqlSchema } from './mysql.js';

describe('mysqlSchema', () => {
  it('defaults the port to 3306', () => {
    expect(
      mysqlSchema.parse({ host: 'db', database: 'app', user: 'u', query: 'SELECT 1' }).port,
    ).toBe(3306);
  });
});

describe('mysqlErrorCode', () => {
  const err = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);
  it.each([
    [err({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }), 'Unauthorized'],
    [err({ code: 'ER_DBACCESS_DENIED_ERROR', errno: 1044 }), 'Unauthorized'],
    [err({ code: 'ER_NO_SUCH_TABLE', errno: 1146 }), 'BadQuery'],
    [err({ code: 'ER_PARSE_ERROR', errno: 1064 }), 'BadQuery'],
    [err({ code: 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION', errno: 1792 }), 'BadQuery'],
    [err({ code: 'ER_STATEMENT_TIMEOUT', errno: 1969 }), 'Timeout'],
    [err({ code: 'ER_QUERY_TIMEOUT', errno: 3024 }), 'Timeout'],
    [err({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), 'Unavailable'],
    [err({ code: 'ECONNREFUSED', errno: -111 }), 'Unavailable'],
  ])('%o → %s', (e, code) => {
    expect(mysqlErrorCode(e)).toBe(code);
  });
});
