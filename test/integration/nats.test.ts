import { AckPolicy, connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll } from 'vitest';
import { runSourceContract, type Endpoint } from '../../src/sources/contract.js';
import { createNatsSource, natsSchema } from '../../src/sources/nats.js';
import { badPassword, deps, serverFromEnv } from './env.js';

const server = serverFromEnv('TIDE_TEST_NATS');
const stream = 'TIDE_JOBS';
const consumer = 'workers';
let admin: NatsConnection;

beforeAll(async () => {
  admin = await connect({
    servers: `${server.host}:${server.port}`,
    user: 'tide',
    pass: 'tide-test-password',
  });
  const jsm = await admin.jetstreamManager();
  await jsm.streams.add({ name: stream, subjects: ['tide.jobs.>'] });
  await jsm.consumers.add(stream, { durable_name: consumer, ack_policy: AckPolicy.Explicit });
});
afterAll(() => admin.close());

const make = (endpoint: Endpoint, config: Record<string, unknown> = {}) =>
  createNatsSource(
    natsSchema.parse({
      host: endpoint.host,
      port: endpoint.port,
      username: 'tide',
      password: { fromEnv: 'TIDE_TEST_SECRET' },
      stream,
      consumer,
      ...config,
    }),
    deps(),
  );

runSourceContract({
  name: 'nats jetstream',
  server,
  create: (endpoint, { timeoutMs }) => make(endpoint, { timeoutMs }),
  setValue: async (n) => {
    const jsm = await admin.jetstreamManager();
    await jsm.streams.purge(stream);
    const js = admin.jetstream();
    for (let i = 0; i < n; i++)
      await js.publish('tide.jobs.new', new TextEncoder().encode(`job ${i}`));
  },
  badCredentials: badPassword((endpoint, password) => make(endpoint, { password })),
  badQuery: {
    query: 'no-such-consumer',
    create: (endpoint) => make(endpoint, { consumer: 'no-such-consumer' }),
  },
});
