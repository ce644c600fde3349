/**
 * The kafka source against a real Apache Kafka broker (scripts/services/kafka.sh: one KRaft node).
 *
 * 1. The source contract, through the TCP proxy: the broker's SASL listener (port + 2) advertises
 *    the proxy's port (port + 3), so every connection of the source goes through the proxy.
 * 2. KEDA's kafka e2e scenarios (`cases/kafka-scaler-keda.json`, from KEDA's
 *    tests/scalers/kafka/kafka_test.go): the ScaledObject of each scenario goes through
 *    `tide import`, messages are produced and offsets committed on the real broker with kafkajs,
 *    the imported trigger's source reads the lag, and `decide` polls every pollingInterval on a
 *    simulated clock until the count settles: the count must be the one KEDA's test waits for.
 * 3. What Tide adds to those: allowIdleConsumers and excludePersistentLag: false against the same
 *    broker (the cap and the persistent lag do matter), a group without commits, and a broker
 *    that is down (a failure that never scales to zero).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide.js';
import {
  initialState,
  type Observation,
  type PodInfo,
  type ScalerState,
} from '../../src/core/model.js';
import type { ScalerSpec } from '../../src/core/spec.js';
import { toMetricReading } from '../../src/runtime/tick.js';
import { runSourceContract, type Endpoint } from '../../src/sources/contract.js';
import { createKafkaSource, kafkaSchema } from '../../src/sources/kafka.js';
import { createSource } from '../../src/sources/registry.js';
import { isSourceError, type Source } from '../../src/sources/source.js';
import { importChecked } from '../conformance/keda-import-checked.js';
import { badPassword, deps, serverFromEnv, testEnv } from './env.js';

const broker = serverFromEnv('TIDE_TEST_KAFKA');
const bootstrap = `${broker.host}:${broker.port}`;
/** kafka.sh: the SASL listener, and the port it advertises (where the contract's proxy listens). */
const sasl = { host: broker.host, port: broker.port + 2 };
const proxyPort = broker.port + 3;

const kafka = new Kafka({
  clientId: 'tide-test',
  brokers: [bootstrap],
  logLevel: logLevel.NOTHING,
});
let admin: Admin;
let producer: Producer;
beforeAll(async () => {
  admin = kafka.admin();
  producer = kafka.producer();
  await admin.connect();
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

/** A topic name no earlier run used (the broker's data outlives one test run under the script). */
const run = Date.now().toString(36);
const fresh = (name: string): string => `${name}-${run}`;

/** Creates a topic and waits until its partitions answer offset requests (leaders elected). */
async function createTopic(topic: string, partitions: number): Promise<void> {
  await admin.createTopics({
    topics: [{ topic, numPartitions: partitions }],
    waitForLeaders: true,
  });
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await admin.fetchTopicOffsets(topic)).length === partitions) return;
    } catch (e) {
      if (attempt >= 50) throw e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function produce(topic: string, count: number, partition?: number): Promise<void> {
  const messages = Array.from({ length: count }, (_, i) => ({
    value: `m${i}`,
    ...(partition === undefined ? {} : { partition }),
  }));
  await producer.send({ topic, messages });
}

interface Commit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * Commits offsets for `group` as a member of it (kafkajs's admin.setOffsets does the same, but
 * waits out a fetch of up to 5 s on every call): join, commit, leave.
 */
async function commitOffsets(group: string, commits: readonly Commit[]): Promise<void> {
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 50 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...new Set(commits.map((c) => c.topic))] });
    const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
    await consumer.run({ autoCommit: false, eachBatch: () => Promise.resolve() });
    await joined;
    await consumer.commitOffsets(commits.map((c) => ({ ...c, offset: String(c.offset) })));
  } finally {
    await consumer.disconnect();
  }
}

/** The group commits every partition of `topics` at its end (a consumer that caught up). */
async function commitAll(group: string, topics: readonly string[]): Promise<void> {
  const commits: Commit[] = [];
  for (const topic of topics) {
    for (const e of await admin.fetchTopicOffsets(topic)) {
      commits.push({ topic, partition: e.partition, offset: Number(e.high) });
    }
  }
  await commitOffsets(group, commits);
}

// ---------------------------------------------------------------------------------------------
// 1. The source contract
// ---------------------------------------------------------------------------------------------

const contractTopic = fresh('tide-contract');
const contractGroup = fresh('tide-contract-group');
const backlog = 20;

const make = (endpoint: Endpoint, config: Record<string, unknown>): Source =>
  createKafkaSource(
    kafkaSchema.parse({
      brokers: [`${endpoint.host}:${endpoint.port}`],
      group: contractGroup,
      topic: contractTopic,
      // One partition and lagThreshold 1: without idle consumers the cap would read 1.
      allowIdleConsumers: true,
      target: { type: 'AverageValue', value: 1 },
      sasl: { mechanism: 'plain', username: 'tide', password: { fromEnv: 'TIDE_TEST_SECRET' } },
      ...config,
    }),
    deps(),
  );

runSourceContract({
  name: 'kafka consumer group lag',
  server: sasl,
  proxyPort,
  create: (endpoint, { timeoutMs }) => make(endpoint, { timeoutMs }),
  // The lag is the backlog's end minus the committed offset: commit `backlog − n`.
  setValue: async (n) => {
    await commitOffsets(contractGroup, [
      { topic: contractTopic, partition: 0, offset: backlog - n },
    ]);
  },
  values: [3, 7, 0],
  // kafkajs's admin client talks to the bootstrap broker and to the same broker by its node id.
  maxConnections: 2,
  badCredentials: badPassword((endpoint, password) =>
    make(endpoint, {
      sasl: { mechanism: 'plain', username: 'tide', password },
    }),
  ),
  badQuery: {
    query: 'no-such-topic',
    create: (endpoint) => make(endpoint, { topic: 'no-such-topic' }),
  },
  setUp: async () => {
    await createTopic(contractTopic, 1);
    await produce(contractTopic, backlog, 0);
  },
});

// ---------------------------------------------------------------------------------------------
// 2. KEDA's e2e scenarios
// ---------------------------------------------------------------------------------------------

interface Action {
  /** Messages to produce: to `partition` when set (KEDA's keyed messages), else spread. */
  readonly produce?: number;
  readonly partition?: number;
  /** Which of the scenario's topics (default the first). */
  readonly topic?: number;
  /** The group commits the end of every partition of every topic (a consumer that caught up). */
  readonly commit?: boolean;
}

interface Scenario {
  readonly source: string;
  readonly note: string;
  readonly partitions: number;
  readonly topics: number;
  readonly topicUnset?: boolean;
  readonly metadata: Record<string, string>;
  readonly setup: readonly Action[];
  readonly steps: readonly { readonly actions: readonly Action[]; readonly replicas: number }[];
}

const here = dirname(fileURLToPath(import.meta.url));
const scenarios = (
  JSON.parse(readFileSync(resolve(here, '../conformance/cases/kafka-scaler-keda.json'), 'utf8')) as {
    e2e: Scenario[];
  }
).e2e;

/** The ScaledObject of KEDA's kafka e2e test (its templates share everything but metadata). */
function scaledObject(metadata: Record<string, string>): unknown {
  const rules = {
    stabilizationWindowSeconds: 0,
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  };
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'kafka-test-so', namespace: 'kafka-test' },
    spec: {
      pollingInterval: 5,
      cooldownPeriod: 0,
      scaleTargetRef: { name: 'kafka-consumer' },
      advanced: {
        horizontalPodAutoscalerConfig: { behavior: { scaleUp: rules, scaleDown: rules } },
      },
      triggers: [{ type: 'kafka', metadata }],
    },
  };
}

/** `tide import` of the ScaledObject, as the CLI runs it (triggers checked by their source). */
function importSpec(metadata: Record<string, string>): ScalerSpec {
  const result = importChecked([scaledObject(metadata)]);
  if (!result.ok) throw new Error(`import: ${result.issues.join('; ')}`);
  return result.spec;
}

const t0 = Date.UTC(2024, 0, 1);

function readyPods(count: number): PodInfo[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `kafka-consumer-${i}`,
    phase: 'Running',
    startTime: t0 - 86_400_000,
    ready: { status: true, lastTransitionTime: t0 - 86_400_000 },
    containers: [],
  }));
}

/**
 * KEDA's polling loop over one imported spec on a simulated clock: every pollingInterval the
 * (syncPeriodSeconds, imported from pollingInterval) the source reads the real broker and `decide` runs; `settle` polls until the count has held for
 * five polls (25 s, past the 15 s scale-up period of the test's behavior).
 */
class Poller {
  readonly #spec: ScalerSpec;
  readonly #source: Source;
  readonly #trigger: string;
  #now = t0;
  #state: ScalerState = { ...initialState(), createdAt: t0 - 86_400_000 };
  replicas = 0;

  constructor(spec: ScalerSpec) {
    const trigger = spec.triggers[0];
    if (trigger === undefined) throw new Error('no trigger');
    this.#spec = spec;
    this.#trigger = trigger.name;
    this.#source = createSource(trigger, { env: testEnv(), now: () => this.#now });
  }

  async poll(): Promise<number> {
    this.#now += this.#spec.syncPeriodSeconds * 1000;
    const outcome = await this.#source.read(new AbortController().signal).then(
      (reading) => ({ ok: true as const, reading }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const observation: Observation = {
      currentReplicas: this.replicas,
      pods: readyPods(this.replicas),
      metrics: { [this.#trigger]: toMetricReading(outcome) },
    };
    const d = decide(this.#spec, observation, this.#state, this.#now);
    this.#state = d.state;
    this.replicas = d.desiredReplicas;
    return this.replicas;
  }

  async settle(): Promise<number> {
    let held = 0;
    for (let i = 0; i < 40 && held < 5; i++) {
      const before = this.replicas;
      held = (await this.poll()) === before ? held + 1 : 0;
    }
    return this.replicas;
  }

  close(): Promise<void> {
    return this.#source.close();
  }
}

let scenarioRuns = 0;

async function runScenario(s: Scenario, overrides: Record<string, string> = {}): Promise<number[]> {
  scenarioRuns += 1;
  const id = fresh(`${s.source.split(' ')[1] ?? 'scenario'}-${scenarioRuns}`).toLowerCase();
  const topics = Array.from({ length: s.topics }, (_, i) => `${id}-${i}`);
  const group = `${id}-group`;
  for (const t of topics) await createTopic(t, s.partitions);
  const apply = async (actions: readonly Action[]): Promise<void> => {
    for (const a of actions) {
      const topic = topics[a.topic ?? 0] ?? '';
      if (a.produce !== undefined) await produce(topic, a.produce, a.partition);
      if (a.commit === true) await commitAll(group, topics);
    }
  };
  await apply(s.setup);
  const metadata = {
    bootstrapServers: bootstrap,
    consumerGroup: group,
    ...(s.topicUnset === true ? {} : { topic: topics[0] ?? '' }),
    ...s.metadata,
    ...overrides,
  };
  const poller = new Poller(importSpec(metadata));
  const seen: number[] = [];
  try {
    for (const step of s.steps) {
      await apply(step.actions);
      seen.push(await poller.settle());
    }
  } finally {
    await poller.close();
  }
  return seen;
}

describe("KEDA's kafka e2e scenarios, imported and decided by Tide against the real broker", () => {
  it.each(scenarios.map((s) => [s.source, s] as const))('%s', async (_, s) => {
    expect(await runScenario(s)).toEqual(s.steps.map((step) => step.replicas));
  });
});

// ---------------------------------------------------------------------------------------------
// 3. What the scenarios leave out
// ---------------------------------------------------------------------------------------------

const scenario = (name: string): Scenario => {
  const s = scenarios.find((x) => x.source.includes(name));
  if (s === undefined) throw new Error(`no scenario ${name}`);
  return s;
};

describe('kafka settings that change the count, against the real broker', () => {
  it('allowIdleConsumers: 7 messages on 3 partitions ask for 7 replicas, not 3', async () => {
    const s = scenario('testEarliestPolicy');
    expect(await runScenario(s, { allowIdleConsumers: 'true' })).toEqual([0, 0, 2, 7]);
  });

  it('excludePersistentLag false: the stuck lag of 5 scales out to the 3 partitions', async () => {
    const s = scenario('testPersistentLag');
    expect(await runScenario(s, { excludePersistentLag: 'false' })).toEqual([1, 0, 3]);
  });

  it('partitionLimitation: only the listed partitions count', async () => {
    const s = scenario('testEarliestPolicy');
    const limited: Scenario = {
      ...s,
      steps: [
        {
          actions: [
            { produce: 4, partition: 0 },
            { produce: 6, partition: 2 },
          ],
          replicas: 4,
        },
      ],
    };
    // Partition 2 is left out: lag 4 (not 10) on partitions 0 and 1, no cap with idle consumers.
    const settings = { partitionLimitation: '0-1', allowIdleConsumers: 'true' };
    expect(await runScenario(limited, settings)).toEqual([4]);
  });
});

describe('kafka failures against the real broker', () => {
  const spec = (): ScalerSpec =>
    importSpec({
      bootstrapServers: bootstrap,
      consumerGroup: fresh('never-committed'),
      lagThreshold: '1',
    });

  it('a group with no committed offsets and no topic is NoData (retryable), not a lag of 0', async () => {
    const trigger = spec().triggers[0];
    if (trigger === undefined) throw new Error('no trigger');
    const source = createSource(trigger, deps());
    try {
      const error = await source.read(new AbortController().signal).catch((e: unknown) => e);
      expect(isSourceError(error), String(error)).toBe(true);
      expect(error).toMatchObject({ code: 'NoData', retryable: true });
    } finally {
      await source.close();
    }
  });

  it('a broker that is down is a retryable failure, and the count holds (never 0)', async () => {
    const down = importSpec({
      bootstrapServers: '127.0.0.1:1',
      consumerGroup: 'g',
      topic: 't',
      lagThreshold: '1',
    });
    const trigger = down.triggers[0];
    if (trigger === undefined) throw new Error('no trigger');
    const source = createSource(
      { ...trigger, config: { ...trigger.config, timeoutMs: 2000 } },
      deps(),
    );
    try {
      const outcome = await source.read(new AbortController().signal).then(
        (reading) => ({ ok: true as const, reading }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      const reading = toMetricReading(outcome);
      expect(reading).toMatchObject({ status: 'error', error: { retryable: true } });
      const observation: Observation = {
        currentReplicas: 3,
        pods: readyPods(3),
        metrics: { [trigger.name]: reading },
      };
      const state = { ...initialState(), createdAt: t0 - 86_400_000, lastActiveTime: t0 };
      expect(decide(down, observation, state, t0 + 5000).desiredReplicas).toBe(3);
    } finally {
      await source.close();
    }
  });
});
