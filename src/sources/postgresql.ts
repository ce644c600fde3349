/**
 * `postgresql`: a scalar query on one reused connection. The session is read-only
 * (`default_transaction_read_only`) and the server cancels a statement after `timeoutMs`
 * (`statement_timeout`), besides the read's own timeout.
 *
 * @module
 */
import pg from 'pg';
import { z } from 'zod';
import { decodeScalarRows, sqlShape } from './sql.js';
import {
  isNetworkError,
  resolveSecret,
  withTimeout,
  wrapError,
  type Reading,
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
  const doing = `running postgresql query ${JSON.stringify(config.query)} on ${where}`;
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  let secrets: string[] = [];

  const drop = (): void => {
    const old = client;
    client = null;
    connecting = null;
    if (old !== null) void old.end().catch(() => undefined);
  };

  const connect = async (): Promise<pg.Client> => {
    const password = await resolveSecret(config.password, deps, 'password');
    secrets = password === undefined ? [] : [password];
    const fresh = new pg.Client({
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
    fresh.on('error', () => {
      if (client === fresh) drop();
    });
    try {
      await fresh.connect();
    } catch (e) {
      void fresh.end().catch(() => undefined);
      throw e;
    }
    client = fresh;
    return fresh;
  };

  const query = async (): Promise<Reading> => {
    connecting ??= connect();
    let conn: pg.Client;
    try {
      conn = await connecting;
    } catch (e) {
      connecting = null;
      throw e;
    }
    const result = await conn.query({ text: config.query, rowMode: 'array' });
    return { timestamp: deps.now(), valuesMilli: [decodeScalarRows(result.rows, doing)] };
  };

  return {
    read: (signal) =>
      withTimeout(signal, { timeoutMs: config.timeoutMs, doing }, async () => {
        try {
          return await query();
        } catch (e) {
          const code = postgresqlErrorCode(e);
          if (code === 'Unavailable' || code === 'Timeout') drop();
          throw wrapError(e, code, { doing, secrets });
        }
      }).catch((e: unknown) => {
        // A read that timed out leaves its query in flight: start over on a fresh connection.
        if ((e as { code?: unknown }).code === 'Timeout') drop();
        throw e;
      }),
    close: async () => {
      const old = client;
      client = null;
      connecting = null;
      await old?.end().catch(() => undefined);
    },
  };
}
