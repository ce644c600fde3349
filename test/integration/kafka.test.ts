import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { runSourceContract, type Endpoint } from '../../src/sources/contract.js';
import { createKafkaSource, kafkaSchema } from '../../src/sources/kafka.js';
import { deps, serverFromEnv } from './env.js';

// scripts/services/kafka.sh: the broker listens on this address and advertises the next port,
// where the contract's proxy listens, so every connection goes through the proxy.
const server = serverFromEnv('TIDE_TEST_KAFKA');
const proxyPort = server.port + 1;
const topic = 'tide-orders';
const group = 'workers';
let admin: Admin;
let producer: Producer;

// The admin client reaches the broker through the contract's proxy too (the only advertised
// address), so it connects in setUp, once the proxy listens.
async function setUp(): Promise<void> {
  const kafka = new Kafka({
    brokers: [`${server.host}:${server.port}`],
    logLevel: logLevel.NOTHING,
  });
  admin = kafka.admin();
  producer = kafka.producer();
  await admin.connect();
  await producer.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  await producer.send({
    topic,
    messages: Array.from({ length: 40 }, (_, i) => ({ value: `m${i}`, partition: i % 2 })),
  });
  await producer.disconnect();
}

async function retryOnce(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch {
    await new Promise((r) => setTimeout(r, 200));
    await work();
  }
}

const make = (endpoint: Endpoint, config: Record<string, unknown> = {}) =>
  createKafkaSource(
    kafkaSchema.parse({ brokers: [`${endpoint.host}:${endpoint.port}`], group, topic, ...config }),
    deps(),
  );

runSourceContract({
  name: 'kafka (kfake broker)',
  server,
  proxyPort,
  create: (endpoint, { timeoutMs }) => make(endpoint, { timeoutMs }),
  // Lag n: the group's committed offsets sit n messages (split over both partitions) before the end.
  // (The admin client may hold a connection the contract's "stopped server" test cut: retry once.)
  setValue: (n) =>
    retryOnce(async () => {
      const ends = await admin.fetchTopicOffsets(topic);
      const partitions = ends.map((e) => ({
        partition: e.partition,
        offset: String(Number(e.high) - (e.partition === 0 ? Math.ceil(n / 2) : Math.floor(n / 2))),
      }));
      await admin.setOffsets({ groupId: group, topic, partitions });
    }),
  badQuery: {
    query: 'no-such-topic',
    create: (endpoint) => make(endpoint, { topic: 'no-such-topic' }),
  },
  // kafkajs keeps one connection for bootstrap metadata and one per broker.
  maxConnections: 2,
  setUp,
  tearDown: () => admin.disconnect(),
});
