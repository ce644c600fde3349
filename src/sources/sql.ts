/**
 * What the SQL sources (`postgresql`, `mysql`) share: the connection keys of their config and the
 * decoding of a scalar query's result (first column of the only row).
 *
 * @module
 */
import { z } from 'zod';
import { SourceError, commonSourceKeys, secretRefSchema, toMilli } from './source.js';

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
