import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { runSourceContract, type Endpoint } from '../../src/sources/contract.js';
import { createRedisSource, redisSchema } from '../../src/sources/redis.js';
import { badPassword, deps, serverFromEnv, testEnv } from './env.js';

const server = serverFromEnv('TIDE_TEST_REDIS');
const admin = new Redis({ host: server.host, port: server.port, password: 'tide-test-password' });
afterAll(() => admin.quit());

const make = (endpoint: Endpoint, config: Record<string, unknown>) =>
  createRedisSource(
    redisSchema.parse({
      host: endpoint.host,
      port: endpoint.port,
      password: { fromEnv: 'TIDE_TEST_SECRET' },
      ...config,
    }),
    deps(),
  );

const badCredentials = (config: Record<string, unknown>) =>
  badPassword((endpoint, password) => make(endpoint, { ...config, password }));

const list = { key: 'tide:jobs' };
runSourceContract({
  name: 'redis list',
  server,
  create: (endpoint, { timeoutMs }) => make(endpoint, { ...list, timeoutMs }),
  setValue: async (n) => {
    await admin.del(list.key);
    if (n > 0) await admin.rpush(list.key, ...Array.from({ length: n }, (_, i) => `job-${i}`));
  },
  badCredentials: badCredentials(list),
  badQuery: {
    // A key of the wrong type: WRONGTYPE.
    query: 'tide:not-a-list',
    create: (endpoint) => make(endpoint, { key: 'tide:not-a-list' }),
  },
  setUp: async () => {
    await admin.set('tide:not-a-list', 'x');
  },
});

const stream = { key: 'tide:events', metric: 'streamLag', group: 'workers' };
runSourceContract({
  name: 'redis stream lag',
  server,
  create: (endpoint, { timeoutMs }) => make(endpoint, { ...stream, timeoutMs }),
  setValue: async (n) => {
    await admin.del(stream.key);
    await admin.xgroup('CREATE', stream.key, stream.group, '0', 'MKSTREAM');
    for (let i = 0; i < n; i++) await admin.xadd(stream.key, '*', 'n', String(i));
    // One delivered and acknowledged entry does not count as lag.
    await admin.xadd(stream.key, '*', 'n', 'done');
    const read = (await admin.xreadgroup(
      'GROUP',
      stream.group,
      'c1',
      'COUNT',
      '1',
      'STREAMS',
      stream.key,
      '>',
    )) as [string, [string, string[]][]][];
    const id = read[0]?.[1][0]?.[0];
    if (id !== undefined) await admin.xack(stream.key, stream.group, id);
  },
  badCredentials: badCredentials(stream),
  badQuery: {
    query: 'no-such-group',
    create: (endpoint) => make(endpoint, { ...stream, group: 'no-such-group' }),
  },
});

// KEDA's redis scalers take the address (and user) from a variable or a TriggerAuthentication as
// often as from the trigger; an imported spec holds them as secret references.
it('reads the address and user name from secret references', async () => {
  await admin.del('tide:by-address');
  await admin.rpush('tide:by-address', 'a', 'b', 'c');
  const source = createRedisSource(
    redisSchema.parse({
      address: { fromEnv: 'TIDE_TEST_REDIS_ADDRESS' },
      username: { fromEnv: 'TIDE_TEST_REDIS_USER' },
      password: { fromEnv: 'TIDE_TEST_SECRET' },
      key: 'tide:by-address',
    }),
    deps(
      testEnv({
        TIDE_TEST_REDIS_ADDRESS: `${server.host}:${server.port}`,
        TIDE_TEST_REDIS_USER: 'default',
      }),
    ),
  );
  try {
    const reading = await source.read(AbortSignal.timeout(5000));
    expect(reading.valuesMilli).toEqual([3000]);
  } finally {
    await source.close();
  }
});

it('fails with a Config error when the address read from its reference is not host:port', async () => {
  const source = createRedisSource(
    redisSchema.parse({ address: { fromEnv: 'TIDE_TEST_REDIS_ADDRESS' }, key: 'k' }),
    deps(testEnv({ TIDE_TEST_REDIS_ADDRESS: 'no-port' })),
  );
  try {
    await expect(source.read(AbortSignal.timeout(5000))).rejects.toMatchObject({ code: 'Config' });
  } finally {
    await source.close();
  }
});
