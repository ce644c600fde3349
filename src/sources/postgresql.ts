/**
 * `postgresql`: a scalar query on one reused connection. The session is read-only
 * (`default_transaction_read_only`) and the server cancels a statement after `timeoutMs`
 * (`statement_timeout`), besides the read's own timeout.
 *
 * @module
 */
import pg from 'pg';
import { z } from 'zod';
import { sqlShape, sqlSource } from './sql.js';
import {
  isNetworkError,
  resolveSecret,
  type Source,
  type SourceDeps,
  type SourceErrorCode,
} from './source.js';

export const postgresqlSchema = z.object(sqlShape(5432)).strict();
export type PostgresqlConfig = z.output<typeof postgresqlSchema>;

/**
 * SQLSTATE → error code, by class (first two characters) unless the full code is listed:
 * 28 = invalid authorization, 42 = syntax error or undefined object, 22 = data exception,
 * 25006 = a write in a read-only transaction, 57014 = statement timeout, 08/53/57 = the server
 * is unreachable, out of resources or shutting down.
 */
const sqlStates: Readonly<Record<string, SourceErrorCode>> = {
  '57014': 'Timeout',
  '3D000': 'BadQuery',
  '25006': 'BadQuery',
  '28': 'Unauthorized',
  '42': 'BadQuery',
  '22': 'BadQuery',
  '08': 'Unavailable',
  '53': 'Unavailable',
  '57': 'Unavailable',
};

export function postgresqlErrorCode(e: unknown): SourceErrorCode {
  const code = (e as { code?: unknown } | null)?.code;
  if (isNetworkError(e) || typeof code !== 'string') return 'Unavailable';
  return sqlStates[code] ?? sqlStates[code.slice(0, 2)] ?? 'BadQuery';
}

export function createPostgresqlSource(config: PostgresqlConfig, deps: SourceDeps): Source {
  const where = `${config.host}:${config.port}/${config.database}`;
  let secrets: string[] = [];

  const connect = async (): Promise<pg.Client> => {
    const password = await resolveSecret(config.password, deps, 'password');
    secrets = password === undefined ? [] : [password];
    const client = new pg.Client({
      host: config.host,
      port: config.port,
      database: config.database,
      user: config.user,
      ...(password === undefined ? {} : { password }),
      ...(config.tls ? { ssl: true } : {}),
      connectionTimeoutMillis: config.timeoutMs,
      statement_timeout: config.timeoutMs,
      options: '-c default_transaction_read_only=on',
      application_name: 'tide',
    });
    // A broken connection fails its pending query; the next read reconnects.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (e) {
      void client.end().catch(() => undefined);
      throw e;
    }
    return client;
  };

  return sqlSource(
    {
      connect,
      query: async (client) => (await client.query({ text: config.query, rowMode: 'array' })).rows,
      end: (client) => client.end(),
      destroy: (client) => void client.end().catch(() => undefined),
      classify: postgresqlErrorCode,
      secrets: () => secrets,
    },
    {
      doing: `running postgresql query ${JSON.stringify(config.query)} on ${where}`,
      timeoutMs: config.timeoutMs,
      now: deps.now,
    },
  );
}
