import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSourceContract, type Endpoint } from '../../src/sources/contract.js';
import { createMysqlSource, mysqlSchema } from '../../src/sources/mysql.js';
import { badPassword, deps, serverFromEnv } from './env.js';

const server = serverFromEnv('TIDE_TEST_MARIADB');
let admin: mysql.Connection;
beforeAll(async () => {
  admin = await mysql.createConnection({
    ...server,
    user: 'tide',
    password: 'tide-test-password',
    database: 'tide',
  });
  await admin.query('CREATE TABLE IF NOT EXISTS items (n int)');
});
afterAll(() => admin.end());

const make = (endpoint: Endpoint, config: Record<string, unknown> = {}) =>
  createMysqlSource(
    mysqlSchema.parse({
      host: endpoint.host,
      port: endpoint.port,
      database: 'tide',
      user: 'tide',
      password: { fromEnv: 'TIDE_TEST_SECRET' },
      query: 'SELECT count(*) FROM items',
      ...config,
    }),
    deps(),
  );

runSourceContract({
  name: 'mysql',
  server,
  create: (endpoint, { timeoutMs }) => make(endpoint, { timeoutMs }),
  setValue: async (n) => {
    await admin.query('DELETE FROM items');
    for (let i = 0; i < n; i++) await admin.query('INSERT INTO items VALUES (?)', [i]);
  },
  badCredentials: badPassword((endpoint, password) => make(endpoint, { password })),
  badQuery: {
    query: 'SELECT count(*) FROM no_such_table',
    create: (endpoint) => make(endpoint, { query: 'SELECT count(*) FROM no_such_table' }),
  },
});

describe('mysql source on the real server', () => {
  const never = new AbortController().signal;
  it.each([
    ['a write (read-only session)', 'DELETE FROM items', 'BadQuery', false],
    ['a slow statement (max_statement_time)', 'SELECT SLEEP(3) FROM items', 'Timeout', true],
    ['no row', 'SELECT n FROM items WHERE false', 'NoData', true],
    ['a NULL', 'SELECT NULL', 'NoData', true],
    ['a text', "SELECT 'many'", 'BadValue', false],
  ])('rejects %s', async (_what, query, code, retryable) => {
    const source = make(server, { query, timeoutMs: 1000 });
    try {
      await expect(source.read(never)).rejects.toMatchObject({ code, retryable });
    } finally {
      await source.close();
    }
  });

  it('reads a decimal value in milli-units', async () => {
    const source = make(server, { query: 'SELECT CAST(2.5 AS DECIMAL(4,1))' });
    try {
      expect((await source.read(never)).valuesMilli).toEqual([2500]);
    } finally {
      await source.close();
    }
  });
});
