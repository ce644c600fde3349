import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSourceContract, type Endpoint } from '../../src/sources/contract.js';
import { createPostgresqlSource, postgresqlSchema } from '../../src/sources/postgresql.js';
import { badPassword, deps, serverFromEnv } from './env.js';

const server = serverFromEnv('TIDE_TEST_POSTGRESQL');
const admin = new pg.Client({
  ...server,
  user: 'tide',
  password: 'tide-test-password',
  database: 'tide',
});
beforeAll(async () => {
  await admin.connect();
  await admin.query('CREATE TABLE IF NOT EXISTS items (n int)');
});
afterAll(() => admin.end());

const make = (endpoint: Endpoint, config: Record<string, unknown> = {}) =>
  createPostgresqlSource(
    postgresqlSchema.parse({
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
  name: 'postgresql',
  server,
  create: (endpoint, { timeoutMs }) => make(endpoint, { timeoutMs }),
  setValue: async (n) => {
    await admin.query('DELETE FROM items');
    await admin.query('INSERT INTO items SELECT generate_series(1, $1)', [n]);
  },
  badCredentials: badPassword((endpoint, password) => make(endpoint, { password })),
  badQuery: {
    query: 'SELECT count(*) FROM no_such_table',
    create: (endpoint) => make(endpoint, { query: 'SELECT count(*) FROM no_such_table' }),
  },
});

describe('postgresql source on the real server', () => {
  const never = new AbortController().signal;
  it.each([
    [
      'a write (read-only session)',
      'WITH d AS (DELETE FROM items RETURNING 1) SELECT count(*) FROM d',
      'BadQuery',
      false,
    ],
    ['a slow statement (statement_timeout)', 'SELECT count(*) FROM pg_sleep(3)', 'Timeout', true],
    ['no row', 'SELECT n FROM items WHERE false', 'NoData', true],
    ['a NULL', 'SELECT NULL::int', 'NoData', true],
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
    const source = make(server, { query: 'SELECT 2.5::numeric' });
    try {
      expect((await source.read(never)).valuesMilli).toEqual([2500]);
    } finally {
      await source.close();
    }
  });
});
