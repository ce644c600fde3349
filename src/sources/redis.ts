/**
 * `redis`: the length of a list (`LLEN`), or a stream consumer group's lag (entries not yet
 * delivered to the group, Redis 7's `XINFO GROUPS` `lag`) or pending entries (delivered, not yet
 * acknowledged). One ioredis connection per source, opened on the first read and reused.
 *
 * @module
 */
import { Redis } from 'ioredis';
import { z } from 'zod';
import {
  SourceError,
  commonSourceKeys,
  fromSecrets,
  isNetworkError,
  plainOrSecretSchema,
  resolvePlainOrSecret,
  resolveSecret,
  secretRefSchema,
  withTimeout,
  wrapError,
  type Reading,
  type Source,
  type SourceDeps,
} from './source.js';

export const redisMetrics = ['listLength', 'streamLag', 'streamPending'] as const;

export const redisSchema = z
  .object({
    /** The server's host name, as text or a secret reference. */
    host: plainOrSecretSchema.optional(),
    port: z.int().min(1).max(65_535).default(6379),
    /** `host:port` instead of host and port: as text or from a secret (KEDA's `address`). */
    address: plainOrSecretSchema.optional(),
    db: z.int().min(0).max(1024).default(0),
    username: plainOrSecretSchema.optional(),
    password: secretRefSchema.optional(),
    tls: z.boolean().default(false),
    /** What to read: a list's length, or a stream group's lag or pending entries. */
    metric: z.enum(redisMetrics).default('listLength'),
    /** The list or stream key. */
    key: z.string().min(1),
    /** The consumer group (stream metrics only). */
    group: z.string().min(1).optional(),
    ...commonSourceKeys,
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.host === undefined) === (c.address === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['host'],
        message:
          c.host === undefined
            ? 'missing: set host (and port) or address'
            : 'set host (and port) or address, not both',
      });
    }
    if (typeof c.address === 'string' && splitAddress(c.address) === null) {
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'must be host:port' });
    }
    if (c.metric !== 'listLength' && c.group === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['group'],
        message: `group is required for metric ${c.metric}`,
      });
    }
    if (c.metric === 'listLength' && c.group !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['group'],
        message: 'group applies only to stream metrics',
      });
    }
  });
export type RedisConfig = z.output<typeof redisSchema>;

/** `host:port` (the last colon splits, so `[::1]:6379` works); null when it is not that. */
export function splitAddress(address: string): { host: string; port: number } | null {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(at + 1));
  if (at <= 0 || host === '' || !Number.isInteger(port) || port < 1 || port > 65_535) return null;
  return { host, port };
}

/** The server to connect to, resolving a host or an address held in a secret. */
async function endpointOf(
  config: RedisConfig,
  deps: SourceDeps,
  doing: string,
): Promise<{ host: string; port: number }> {
  if (config.address === undefined) {
    const host = (await resolvePlainOrSecret(config.host, deps, 'host')) ?? '';
    return { host, port: config.port };
  }
  const address = (await resolvePlainOrSecret(config.address, deps, 'address')) ?? '';
  const endpoint = splitAddress(address.trim());
  // The text is not quoted: a mistaken reference may point at a secret.
  if (endpoint === null) {
    throw new SourceError(
      'Config',
      `${doing}: the address read from its reference is not host:port`,
    );
  }
  return endpoint;
}

/** Finds `group` in an `XINFO GROUPS` reply (a list of flat field/value arrays). */
export function decodeStreamGroups(
  reply: unknown,
  options: {
    readonly group: string;
    readonly metric: 'streamLag' | 'streamPending';
    readonly doing: string;
  },
): number {
  if (!Array.isArray(reply))
    throw new SourceError('BadValue', `${options.doing}: unexpected XINFO reply`);
  for (const entry of reply) {
    const fields = toRecord(entry);
    if (fields.name !== options.group) continue;
    const value = options.metric === 'streamLag' ? fields.lag : fields.pending;
    if (typeof value !== 'number') {
      throw new SourceError(
        options.metric === 'streamLag' ? 'NoData' : 'BadValue',
        `${options.doing}: the server reports no ${options.metric === 'streamLag' ? 'lag (Redis 7 or later computes it; null when entries were deleted)' : 'pending count'}`,
      );
    }
    return value;
  }
  throw new SourceError(
    'BadQuery',
    `${options.doing}: consumer group "${options.group}" does not exist`,
  );
}

function toRecord(entry: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(entry)) return out;
  for (let i = 0; i + 1 < entry.length; i += 2) out[String(entry[i])] = entry[i + 1];
  return out;
}

/** Classifies a Redis failure: auth errors are Unauthorized, WRONGTYPE/ERR are BadQuery. */
export function redisErrorCode(e: unknown): 'Unauthorized' | 'BadQuery' | 'Unavailable' {
  const message = e instanceof Error ? e.message : String(e);
  if (/WRONGPASS|NOAUTH|invalid password|invalid username/i.test(message)) return 'Unauthorized';
  if (isNetworkError(e)) return 'Unavailable';
  if (/^(WRONGTYPE|ERR|NOGROUP)/.test(message)) return 'BadQuery';
  return 'Unavailable';
}

export function createRedisSource(config: RedisConfig, deps: SourceDeps): Source {
  const what = config.metric === 'listLength' ? 'list' : `stream group "${config.group ?? ''}" of`;
  const at =
    typeof config.address === 'string'
      ? config.address
      : typeof config.host === 'string'
        ? `${config.host}:${config.port}`
        : 'the configured address';
  const doing = `reading redis ${config.metric} of ${what} key "${config.key}" at ${at}`;
  let client: Redis | null = null;
  let secrets: string[] = [];
  /** The last connection error: ioredis reports a failed AUTH only through the 'error' event. */
  let lastError: unknown = null;

  const connect = async (): Promise<Redis> => {
    if (client === null) {
      const password = await resolveSecret(config.password, deps, 'password');
      const username = await resolvePlainOrSecret(config.username, deps, 'username');
      const { host, port } = await endpointOf(config, deps, doing);
      // A host, address or user name held in a secret is as secret as the password.
      const hidden = fromSecrets(
        [config.username, config.address ?? config.host, config.address],
        [username, host, config.address === undefined ? undefined : `${host}:${port}`],
      );
      secrets = [...(password === undefined ? [] : [password]), ...hidden];
      client = new Redis({
        host,
        port,
        db: config.db,
        ...(username === undefined ? {} : { username }),
        ...(password === undefined ? {} : { password }),
        ...(config.tls ? { tls: {} } : {}),
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: config.timeoutMs,
        retryStrategy: (times) => Math.min(times * 200, 2000),
      });
      client.on('error', (e: unknown) => (lastError = e));
      client.on('ready', () => (lastError = null));
    }
    if (client.status === 'wait' || client.status === 'end') await client.connect();
    return client;
  };

  const query = async (redis: Redis): Promise<number> => {
    if (config.metric === 'listLength') return redis.llen(config.key);
    const reply = await redis.xinfo('GROUPS', config.key);
    return decodeStreamGroups(reply, { group: config.group ?? '', metric: config.metric, doing });
  };

  return {
    read: (signal) =>
      withTimeout(signal, { timeoutMs: config.timeoutMs, doing }, async (): Promise<Reading> => {
        try {
          const value = await query(await connect());
          return { timestamp: deps.now(), valuesMilli: [value * 1000] };
        } catch (e) {
          // A refused connection or a failed AUTH shows only in the 'error' event; the command
          // itself fails with "Connection is closed."
          const cause = lastError ?? e;
          throw wrapError(cause, redisErrorCode(cause), { doing, secrets });
        }
      }),
    close: () => {
      client?.disconnect();
      client = null;
      return Promise.resolve();
    },
  };
}
