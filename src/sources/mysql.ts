/**
 * `mysql` (MySQL and MariaDB): a scalar query on one reused connection. The session is read-only
 * (`SET SESSION TRANSACTION READ ONLY`) and the server stops a statement after `timeoutMs`
 * (MariaDB `max_statement_time`, MySQL `max_execution_time`), besides the read's own timeout.
 *
 * @module
 */
import mysql from 'mysql2/promise';
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

export const mysqlSchema = z.object(sqlShape(3306)).strict();
export type MysqlConfig = z.output<typeof mysqlSchema>;

const authErrors = new Set([
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_NOT_SUPPORTED_AUTH_MODE',
]);
/** MariaDB 1969 (statement time exceeded), MySQL 3024 (max_execution_time exceeded). */
const timeoutErrnos = new Set([1969, 3024]);

export function mysqlErrorCode(e: unknown): SourceErrorCode {
  const { code, errno, fatal } = (e ?? {}) as { code?: unknown; errno?: unknown; fatal?: unknown };
  if (typeof code === 'string' && authErrors.has(code)) return 'Unauthorized';
  if (typeof errno === 'number' && timeoutErrnos.has(errno)) return 'Timeout';
  if (isNetworkError(e) || fatal === true || code === 'PROTOCOL_CONNECTION_LOST')
    return 'Unavailable';
  return typeof errno === 'number' ? 'BadQuery' : 'Unavailable';
}

export function createMysqlSource(config: MysqlConfig, deps: SourceDeps): Source {
  const where = `${config.host}:${config.port}/${config.database}`;
  const doing = `running mysql query ${JSON.stringify(config.query)} on ${where}`;
  let connecting: Promise<mysql.Connection> | null = null;
  let secrets: string[] = [];

  const drop = (): void => {
    const old = connecting;
    connecting = null;
    void old?.then((c) => c.destroy()).catch(() => undefined);
  };

  const connect = async (): Promise<mysql.Connection> => {
    const password = await resolveSecret(config.password, deps, 'password');
    secrets = password === undefined ? [] : [password];
    const conn = await mysql.createConnection({
      host: config.host,
      port: config.port,
      database: config.database,
      user: config.user,
      ...(password === undefined ? {} : { password }),
      ...(config.tls ? { ssl: {} } : {}),
      connectTimeout: config.timeoutMs,
    });
    conn.on('error', () => drop());
    await conn.query('SET SESSION TRANSACTION READ ONLY');
    await setStatementTimeout(conn, config.timeoutMs);
    return conn;
  };

  const query = async (): Promise<Reading> => {
    connecting ??= connect();
    let conn: mysql.Connection;
    try {
      conn = await connecting;
    } catch (e) {
      connecting = null;
      throw e;
    }
    const [rows] = await conn.query({ sql: config.query, rowsAsArray: true });
    const list = Array.isArray(rows) ? (rows as unknown[]) : [];
    return { timestamp: deps.now(), valuesMilli: [decodeScalarRows(list, doing)] };
  };

  return {
    read: (signal) =>
      withTimeout(signal, { timeoutMs: config.timeoutMs, doing }, async () => {
        try {
          return await query();
        } catch (e) {
          const code = mysqlErrorCode(e);
          if (code === 'Unavailable' || code === 'Timeout') drop();
          throw wrapError(e, code, { doing, secrets });
        }
      }).catch((e: unknown) => {
        // A read that timed out leaves its query in flight: start over on a fresh connection.
        if ((e as { code?: unknown }).code === 'Timeout') drop();
        throw e;
      }),
    close: async () => {
      const old = connecting;
      connecting = null;
      const conn = await old?.catch(() => null);
      await conn?.end().catch(() => conn.destroy());
    },
  };
}

/** MariaDB counts seconds in `max_statement_time`; MySQL milliseconds in `max_execution_time`. */
async function setStatementTimeout(conn: mysql.Connection, timeoutMs: number): Promise<void> {
  try {
    await conn.query('SET SESSION max_statement_time = ?', [timeoutMs / 1000]);
  } catch {
    await conn.query('SET SESSION max_execution_time = ?', [timeoutMs]);
  }
}
