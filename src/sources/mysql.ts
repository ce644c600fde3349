/**
 * `mysql` (MySQL and MariaDB): a scalar query on one reused connection. The session is read-only
 * (`SET SESSION TRANSACTION READ ONLY`) and the server stops a statement after `timeoutMs`
 * (MariaDB `max_statement_time`, MySQL `max_execution_time`), besides the read's own timeout.
 *
 * @module
 */
import mysql from 'mysql2/promise';
import { z } from 'zod';
import { sqlShape, sqlSource } from './sql.js';
import {
  isNetworkError,
  resolveSecret,
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
  let secrets: string[] = [];

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
    // A broken connection fails its pending query; the next read reconnects.
    conn.on('error', () => undefined);
    try {
      await conn.query('SET SESSION TRANSACTION READ ONLY');
      await setStatementTimeout(conn, config.timeoutMs);
    } catch (e) {
      conn.destroy();
      throw e;
    }
    return conn;
  };

  return sqlSource(
    {
      connect,
      query: async (conn) => {
        const [rows] = await conn.query({ sql: config.query, rowsAsArray: true });
        return Array.isArray(rows) ? rows : [];
      },
      end: (conn) => conn.end(),
      destroy: (conn) => conn.destroy(),
      classify: mysqlErrorCode,
      secrets: () => secrets,
    },
    {
      doing: `running mysql query ${JSON.stringify(config.query)} on ${where}`,
      timeoutMs: config.timeoutMs,
      now: deps.now,
    },
  );
}

/** MariaDB counts seconds in `max_statement_time`; MySQL milliseconds in `max_execution_time`. */
async function setStatementTimeout(conn: mysql.Connection, timeoutMs: number): Promise<void> {
  try {
    await conn.query('SET SESSION max_statement_time = ?', [timeoutMs / 1000]);
  } catch {
    await conn.query('SET SESSION max_execution_time = ?', [timeoutMs]);
  }
}
