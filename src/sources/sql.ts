/**
 * What the SQL sources (`postgresql`, `mysql`) share: the connection keys of their config and the
 * decoding of a scalar query's result (first column of the only row).
 *
 * @module
 */
import { z } from 'zod';
import {
  LazyConnection,
  SourceError,
  commonSourceKeys,
  isSourceError,
  secretRefSchema,
  toMilli,
  withTimeout,
  wrapError,
  type Reading,
  type Source,
  type SourceErrorCode,
} from './source.js';

/** Config keys of every SQL source; `defaultPort` differs per server. */
export const sqlShape = (defaultPort: number) =>
  ({
    host: z.string().min(1),
    port: z.int().min(1).max(65_535).default(defaultPort),
    database: z.string().min(1),
    user: z.string().min(1),
    password: secretRefSchema.optional(),
    /** Require TLS (server certificate verified against the system CAs). */
    tls: z.boolean().default(false),
    /** A query returning one row whose first column is the number. Run read-only. */
    query: z.string().min(1),
    ...commonSourceKeys,
  }) as const;

/**
 * The number in a scalar query's result: the first column of the first row. No row or a NULL
 * is `NoData` (never zero); a non-numeric value is `BadValue`.
 */
export function decodeScalarRows(rows: readonly unknown[], doing: string): number {
  const row: unknown = rows[0];
  if (row === undefined) throw new SourceError('NoData', `${doing}: returned no row`);
  const value: unknown = Array.isArray(row)
    ? (row as unknown[])[0]
    : Object.values(row as object)[0];
  if (value === null || value === undefined) {
    throw new SourceError('NoData', `${doing}: returned NULL`);
  }
  if (rows.length > 1) {
    throw new SourceError('BadQuery', `${doing}: returned ${rows.length} rows, must return one`);
  }
  const plain: unknown = typeof value === 'bigint' ? Number(value) : value;
  return toMilli(typeof plain === 'object' ? JSON.stringify(plain) : plain, doing);
}

/** What differs between the SQL drivers; `sqlSource` does the rest. */
export interface SqlDriver<C> {
  /** Opens a read-only connection with a statement timeout (resolving the password first). */
  readonly connect: () => Promise<C>;
  /** Runs the query; resolves with the rows as arrays. */
  readonly query: (conn: C) => Promise<readonly unknown[]>;
  /** Closes gracefully (`close()`), or at once (after a failure or timeout). */
  readonly end: (conn: C) => Promise<void>;
  readonly destroy: (conn: C) => void;
  readonly classify: (e: unknown) => SourceErrorCode;
  /** The resolved password, for redaction. */
  readonly secrets: () => readonly string[];
}

/**
 * A source over one reused connection: opened on the first read, dropped after a network
 * failure or a timeout (its query may still be in flight) and reopened on the next read.
 */
export function sqlSource<C>(
  driver: SqlDriver<C>,
  options: { readonly doing: string; readonly timeoutMs: number; readonly now: () => number },
): Source {
  const { doing } = options;
  const connection = new LazyConnection({
    open: driver.connect,
    end: driver.end,
    destroy: (conn) => Promise.resolve(driver.destroy(conn)),
  });

  const fail = (e: unknown): SourceError =>
    wrapError(e, driver.classify(e), { doing, secrets: driver.secrets() });

  const read = async (): Promise<Reading> => {
    let conn: C;
    try {
      conn = await connection.get();
    } catch (e) {
      throw fail(e);
    }
    try {
      const rows = await driver.query(conn);
      return { timestamp: options.now(), valuesMilli: [decodeScalarRows(rows, doing)] };
    } catch (e) {
      const error = fail(e);
      if (error.code === 'Unavailable' || error.code === 'Timeout') connection.drop();
      throw error;
    }
  };

  return {
    read: (signal) =>
      withTimeout(signal, { timeoutMs: options.timeoutMs, doing }, read).catch((e: unknown) => {
        if (isSourceError(e) && e.code === 'Timeout') connection.drop();
        throw e;
      }),
    close: () => connection.close(),
  };
}
