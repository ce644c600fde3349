import amqp from 'amqplib';
import { afterAll, beforeAll } from 'vitest';
import { runSourceContract, type Endpoint } from '../../src/sources/contract.js';
import { createRabbitmqSource, rabbitmqSchema } from '../../src/sources/rabbitmq.js';
import { badPassword, deps, serverFromEnv } from './env.js';

// scripts/services/rabbitmq.sh: AMQP on this address, the management API on the next port.
const broker = serverFromEnv('TIDE_TEST_RABBITMQ');
const management = { host: broker.host, port: broker.port + 1 };
const queue = 'tide-orders';
let admin: amqp.ChannelModel;
let channel: amqp.ConfirmChannel;

beforeAll(async () => {
  admin = await amqp.connect({
    hostname: broker.host,
    port: broker.port,
    username: 'tide',
    password: 'tide-test-password',
  });
  channel = await admin.createConfirmChannel();
  await channel.assertQueue(queue);
});
afterAll(() => admin.close());

const make = (endpoint: Endpoint, config: Record<string, unknown>) =>
  createRabbitmqSource(
    rabbitmqSchema.parse({
      host: endpoint.host,
      port: endpoint.port,
      queue,
      username: 'tide',
      password: { fromEnv: 'TIDE_TEST_SECRET' },
      ...config,
    }),
    deps(),
  );

async function fill(n: number): Promise<void> {
  await channel.purgeQueue(queue);
  for (let i = 0; i < n; i++) channel.sendToQueue(queue, Buffer.from(`m${i}`));
  await channel.waitForConfirms();
}

/** Waits until the management API's statistics show `n` messages. */
async function managementShows(n: number): Promise<void> {
  const auth = Buffer.from('tide:tide-test-password').toString('base64');
  const url = `http://${management.host}:${management.port}/api/queues/%2F/${queue}`;
  for (let i = 0; i < 100; i++) {
    const body = (await (
      await fetch(url, { headers: { authorization: `Basic ${auth}` } })
    ).json()) as { messages?: number };
    if (body.messages === n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the management API never showed ${n} messages`);
}

const cases = [
  {
    name: 'rabbitmq management API',
    server: management,
    config: { protocol: 'http' },
    settle: managementShows,
  },
  {
    name: 'rabbitmq amqp',
    server: broker,
    config: { protocol: 'amqp', metric: 'messagesReady' },
    settle: () => Promise.resolve(),
  },
];

for (const c of cases) {
  runSourceContract({
    name: c.name,
    server: c.server,
    create: (endpoint, { timeoutMs }) => make(endpoint, { ...c.config, timeoutMs }),
    setValue: async (n) => {
      await fill(n);
      await c.settle(n);
    },
    badCredentials: badPassword((endpoint, password) => make(endpoint, { ...c.config, password })),
    badQuery: {
      query: 'no-such-queue',
      create: (endpoint) => make(endpoint, { ...c.config, queue: 'no-such-queue' }),
    },
  });
}
