import { describe, expect, it } from 'vitest';
import {
  createRedisSource,
  decodeStreamGroups,
  redisErrorCode,
  redisSchema,
  splitAddress,
} from './redis.js';

describe('redisSchema', () => {
  it('applies defaults', () => {
    expect(redisSchema.parse({ host: 'r', key: 'jobs' })).toEqual({
      host: 'r',
      port: 6379,
      db: 0,
      tls: false,
      metric: 'listLength',
      key: 'jobs',
      timeoutMs: 5000,
    });
  });

  it.each([
    [{ key: 'k' }, 'host', 'missing: set host (and port) or address'],
    [
      { host: 'r', address: 'r:6379', key: 'k' },
      'host',
      'set host (and port) or address, not both',
    ],
    [{ address: 'r', key: 'k' }, 'address', 'must be host:port'],
    [
      { host: 'r', key: 'k', metric: 'streamLag' },
      'group',
      'group is required for metric streamLag',
    ],
    [{ host: 'r', key: 'k', group: 'g' }, 'group', 'group applies only to stream metrics'],
    [{ host: 'r', key: 'k', port: 70000 }, 'port', 'Too big'],
    [{ host: 'r', key: 'k', password: 'plain' }, 'password', 'Invalid'],
  ])('rejects %j at %s', (config, path, message) => {
    const issue = redisSchema
      .safeParse(config)
      .error?.issues.find((i) => i.path.join('.') === path);
    expect(issue?.message).toContain(message);
  });
});

describe('splitAddress', () => {
  it('splits host:port at the last colon, brackets off an IPv6 host; null when not host:port', () => {
    const addresses = ['redis:6379', '[::1]:6380', 'redis', ':6379', 'redis:port', 'redis:0'];
    expect(addresses.map(splitAddress)).toEqual([
      { host: 'redis', port: 6379 },
      { host: '::1', port: 6380 },
      null,
      null,
      null,
      null,
    ]);
  });

  it('takes an address or a host from a secret reference', () => {
    const config = redisSchema.parse({ address: { fromEnv: 'REDIS_ADDRESS' }, key: 'k' });
    expect(config.address).toEqual({ fromEnv: 'REDIS_ADDRESS' });
    expect(redisSchema.parse({ host: { fromFile: '/s/host' }, key: 'k' }).host).toEqual({
      fromFile: '/s/host',
    });
  });
});

describe('an address and a user name held in secrets', () => {
  it('are redacted from the error of a refused connection, like the password', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const config = redisSchema.parse({
      address: { fromEnv: 'REDIS_ADDRESS' },
      username: { fromEnv: 'REDIS_USER' },
      key: 'k',
      timeoutMs: 3000,
    });
    const env = { REDIS_ADDRESS: '127.0.0.1:1', REDIS_USER: 'svc-reader-7' };
    const source = createRedisSource(config, { now: Date.now, env });
    try {
      const error = await source.read(new AbortController().signal).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      const cause = (error as Error).cause;
      const text = `${(error as Error).message} ${cause instanceof Error ? cause.message : ''}`;
      expect(text).toMatch(/reading redis listLength of list key "k" at the configured address/);
      expect(text).not.toContain('127.0.0.1:1');
      expect(text).not.toContain('svc-reader-7');
    } finally {
      await source.close();
    }
  });
});

// An XINFO GROUPS reply as Redis 7 sends it (RESP2: flat field/value arrays).
const groups = [
  [
    'name',
    'workers',
    'consumers',
    2,
    'pending',
    4,
    'last-delivered-id',
    '1-0',
    'entries-read',
    6,
    'lag',
    9,
  ],
  [
    'name',
    'audit',
    'consumers',
    0,
    'pending',
    0,
    'last-delivered-id',
    '0-0',
    'entries-read',
    null,
    'lag',
    null,
  ],
];

describe('decodeStreamGroups', () => {
  it.each([
    ['workers', 'streamLag', 9],
    ['workers', 'streamPending', 4],
    ['audit', 'streamPending', 0],
  ] as const)('%s %s = %d', (group, metric, value) => {
    expect(decodeStreamGroups(groups, { group, metric, doing: 'd' })).toBe(value);
  });

  it.each([
    ['audit', 'streamLag', 'NoData'],
    ['nobody', 'streamLag', 'BadQuery'],
  ] as const)('%s %s fails with %s', (group, metric, code) => {
    expect(() => decodeStreamGroups(groups, { group, metric, doing: 'd' })).toThrow(
      expect.objectContaining({ code }),
    );
  });
});

describe('redisErrorCode', () => {
  it.each([
    [new Error('WRONGPASS invalid username-password pair or user is disabled.'), 'Unauthorized'],
    [new Error('NOAUTH Authentication required.'), 'Unauthorized'],
    [new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), 'BadQuery'],
    [new Error('ERR no such key'), 'BadQuery'],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }),
      'Unavailable',
    ],
    [new Error("Stream isn't writeable and enableOfflineQueue options is false"), 'Unavailable'],
  ])('%s → %s', (e, code) => {
    expect(redisErrorCode(e)).toBe(code);
  });
});
