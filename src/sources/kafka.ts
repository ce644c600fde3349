/**
 * `kafka`: a consumer group's lag, computed as KEDA's kafka scaler computes it (kafkajs admin
 * client; `pkg/scalers/kafka_scaler.go` in KEDA, read for its rules, not copied).
 *
 * 1. The partitions read: every partition of `topic` (only those in `partitionLimitation` when it
 *    is set), or, without `topic`, every partition of every topic the group has committed offsets
 *    for.
 * 2. Per partition, with `latest` = the partition's end offset and `committed` the group's offset:
 *    - no committed offset and `offsetResetPolicy: latest`: lag 1 (0 with
 *      `scaleToZeroOnInvalidOffset`), so a group that never committed still wakes its consumer;
 *    - no committed offset and `earliest`: lag = `latest` (0 with `scaleToZeroOnInvalidOffset`);
 *    - otherwise `latest − committed`; with `excludePersistentLag`, a partition whose committed
 *      offset has not moved since the previous read counts 0 for scaling (its lag still counts
 *      for activation).
 * 3. The total is capped so that the HPA's `ceil(total / lagThreshold)` stays within the
 *    partitions (an idle consumer gets no partition), unless `allowIdleConsumers`; with
 *    `limitToPartitionsWithLag`, within the partitions that have lag; with
 *    `ensureEvenDistributionOfPartitions` the total is first raised to the next divisor of the
 *    partition count × lagThreshold. As in KEDA the cap compares `floor(total / lagThreshold)`:
 *    lag 35 at threshold 10 on 3 partitions is not capped (35 / 10 = 3) and asks for 4 replicas.
 *
 * Worked example (lagThreshold 1, 3 partitions, committed 0, ends 5, 2, 0): lag 5 + 2 + 0 = 7;
 * 7 / 1 > 3 partitions, so the metric is 3 × 1 = 3 and the HPA asks for 3 replicas; with
 * `limitToPartitionsWithLag` the cap is 2 partitions with lag: metric 2. Activation compares the
 * uncapped 7 with `activationLagThreshold` (the trigger's `activation`).
 *
 * The reading is that one total (`valuesMilli`) and, when it differs, the value activation
 * compares (`activationValueMilli`). The one deliberate difference from KEDA: a committed offset
 * past the partition's end (a truncated or recreated topic) counts 0, never a negative lag that
 * would shrink the target.
 *
 * @module
 */
import { Kafka, logLevel, type Admin, type SASLOptions } from 'kafkajs';
import { z } from 'zod';
import {
  LazyConnection,
  SourceError,
  commonSourceKeys,
  isNetworkError,
  resolveSecret,
  secretRefSchema,
  withTimeout,
  wrapError,
  type Reading,
  type Source,
  type SourceDeps,
  type SourceErrorCode,
} from './source.js';

const flag = z.boolean().default(false);

export const kafkaSchema = z
  .object({
    /** Bootstrap brokers, `host:port`. */
    brokers: z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, 'must be host:port')).min(1),
    group: z.string().min(1),
    topic: z.string().min(1).optional(),
    /** Only these partitions of `topic` are read (KEDA's partitionLimitation). */
    partitionLimitation: z.array(z.int().min(0)).min(1).optional(),
    offsetResetPolicy: z.enum(['latest', 'earliest']).default('latest'),
    allowIdleConsumers: flag,
    excludePersistentLag: flag,
    scaleToZeroOnInvalidOffset: flag,
    limitToPartitionsWithLag: flag,
    ensureEvenDistributionOfPartitions: flag,
    tls: z.boolean().default(false),
    /** SASL: mechanism, username and a password reference. */
    sasl: z
      .object({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string().min(1),
        password: secretRefSchema,
      })
      .strict()
      .optional(),
    /** The trigger's own target (the registry passes it): its value is KEDA's lagThreshold. */
    target: z.looseObject({ value: z.number().positive().finite() }),
    ...commonSourceKeys,
  })
  .strict()
  .superRefine((c, ctx) => {
    const rule = (when: boolean, path: string, message: string): void => {
      if (when) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    rule(
      c.allowIdleConsumers && c.limitToPartitionsWithLag,
      'limitToPartitionsWithLag',
      'cannot be true together with allowIdleConsumers',
    );
    rule(
      c.limitToPartitionsWithLag && c.ensureEvenDistributionOfPartitions,
      'ensureEvenDistributionOfPartitions',
      'cannot be true together with limitToPartitionsWithLag',
    );
    const needsTopic = (key: 'limitToPartitionsWithLag' | 'ensureEvenDistributionOfPartitions') =>
      rule(c[key] && c.topic === undefined, key, 'needs topic to be set');
    needsTopic('limitToPartitionsWithLag');
    needsTopic('ensureEvenDistributionOfPartitions');
    rule(
      c.partitionLimitation !== undefined && c.topic === undefined,
      'partitionLimitation',
      'needs topic to be set',
    );
  });
export type KafkaConfig = z.output<typeof kafkaSchema>;

/** What the lag arithmetic reads from the config. */
export type LagOptions = Pick<
  KafkaConfig,
  | 'offsetResetPolicy'
  | 'allowIdleConsumers'
  | 'excludePersistentLag'
  | 'scaleToZeroOnInvalidOffset'
  | 'limitToPartitionsWithLag'
  | 'ensureEvenDistributionOfPartitions'
> & { readonly lagThreshold: number };

/** One partition as read: its end offset and the group's committed offset (-1: none). */
export interface PartitionOffsets {
  readonly topic: string;
  readonly partition: number;
  /** The end offset (high watermark); undefined when the broker did not report it. */
  readonly latest: number | undefined;
  readonly committed: number;
}

/** Committed offsets seen at the previous read, `topic/partition` → offset (plain data). */
export type PreviousOffsets = Readonly<Record<string, number>>;

export interface PartitionLag {
  /** The lag that counts for scaling. */
  readonly lag: number;
  /** The lag that counts for activation (differs only for a persistent lag). */
  readonly withPersistent: number;
}

/** One partition's lag (KEDA's getLagForPartition); `previous` is its last committed offset. */
export function partitionLag(
  p: PartitionOffsets,
  options: LagOptions,
  previous: number | undefined,
): PartitionLag {
  const same = (n: number): PartitionLag => ({ lag: n, withPersistent: n });
  if (p.committed < 0) {
    if (options.scaleToZeroOnInvalidOffset) return same(0);
    if (options.offsetResetPolicy === 'latest') return same(1);
  }
  if (p.latest === undefined) return same(0);
  if (p.committed < 0) return same(p.latest);
  const lag = Math.max(0, p.latest - p.committed);
  if (options.excludePersistentLag && previous === p.committed) {
    return { lag: 0, withPersistent: lag };
  }
  return same(lag);
}

/** The divisors of n, ascending (KEDA's FindFactors). */
export function factors(n: number): number[] {
  if (n < 1) return [];
  const low: number[] = [];
  const high: number[] = [];
  for (let i = 1; i * i <= n; i++) {
    if (n % i !== 0) continue;
    low.push(i);
    if (i !== n / i) high.unshift(n / i);
  }
  return [...low, ...high];
}

/** The smallest divisor f of `partitions` with f × lagThreshold ≥ lag; else `partitions`. */
export function nextBalancedFactor(lag: number, partitions: number, lagThreshold: number): number {
  return factors(partitions).find((f) => f * lagThreshold >= lag) ?? partitions;
}

export interface GroupLag {
  /** The metric: the total lag after the partition cap. */
  readonly lag: number;
  /** What activation compares: the total lag with persistent lag, before any cap. */
  readonly withPersistent: number;
  /** Committed offsets to compare with at the next read (excludePersistentLag). */
  readonly previous: PreviousOffsets;
}

const key = (p: PartitionOffsets): string => `${p.topic}/${p.partition}`;

/** The group's total lag over `partitions` (KEDA's getTotalLag). */
export function groupLag(
  partitions: readonly PartitionOffsets[],
  options: LagOptions,
  previous: PreviousOffsets,
): GroupLag {
  let lag = 0;
  let withPersistent = 0;
  let withLag = 0;
  const next: Record<string, number> = {};
  for (const p of partitions) {
    const one = partitionLag(p, options, previous[key(p)]);
    lag += one.lag;
    withPersistent += one.withPersistent;
    if (one.lag > 0) withLag += 1;
    if (p.committed >= 0 && p.latest !== undefined) next[key(p)] = p.committed;
  }
  const capped = capLag(lag, { partitions: partitions.length, withLag }, options);
  return { lag: capped, withPersistent, previous: next };
}

/** The partition cap on the total lag (see the module comment, step 3). */
function capLag(
  lag: number,
  counts: { readonly partitions: number; readonly withLag: number },
  options: LagOptions,
): number {
  const threshold = options.lagThreshold;
  const even = options.ensureEvenDistributionOfPartitions;
  if (options.allowIdleConsumers && !options.limitToPartitionsWithLag && !even) return lag;
  const raised = even ? nextBalancedFactor(lag, counts.partitions, threshold) * threshold : lag;
  const bound = options.limitToPartitionsWithLag ? counts.withLag : counts.partitions;
  return Math.floor(raised / threshold) > bound ? bound * threshold : raised;
}

/** kafkajs error names and protocol error types that mean "misconfigured". */
const kafkaCodes: Readonly<Record<string, SourceErrorCode>> = {
  KafkaJSSASLAuthenticationError: 'Unauthorized',
  SASL_AUTHENTICATION_FAILED: 'Unauthorized',
  GROUP_AUTHORIZATION_FAILED: 'Unauthorized',
  TOPIC_AUTHORIZATION_FAILED: 'Unauthorized',
  UNKNOWN_TOPIC_OR_PARTITION: 'BadQuery',
  INVALID_GROUP_ID: 'BadQuery',
  KafkaJSRequestTimeoutError: 'Timeout',
};

/** kafkajs failures by error name and protocol type; anything else is "down for now". */
export function kafkaErrorCode(e: unknown): SourceErrorCode {
  const { name, type, originalError } = (e ?? {}) as {
    name?: unknown;
    type?: unknown;
    originalError?: unknown;
  };
  const known = kafkaCodes[String(type)] ?? kafkaCodes[String(name)];
  if (known !== undefined) return known;
  if (isNetworkError(e) || originalError === undefined) return 'Unavailable';
  return kafkaErrorCode(originalError);
}

/** The partitions of a topic that are read: those in `limitation` when it is set (KEDA). */
export function activePartitions(
  ids: readonly number[],
  limitation: readonly number[] | undefined,
): number[] {
  return limitation === undefined ? [...ids] : ids.filter((id) => limitation.includes(id));
}

/** The partitions to read with their offsets, as KEDA's getTopicPartitions + offsets. */
async function readPartitions(
  client: Admin,
  config: KafkaConfig,
  doing: string,
): Promise<PartitionOffsets[]> {
  let topics: string[];
  if (config.topic === undefined) {
    const committed = await client.fetchOffsets({ groupId: config.group });
    topics = committed.map((t) => t.topic);
    if (topics.length === 0) {
      throw new SourceError('NoData', `${doing}: the group has no committed offsets on any topic`);
    }
  } else {
    topics = [config.topic];
  }
  const keep = config.partitionLimitation;
  const out: PartitionOffsets[] = [];
  const committed = await client.fetchOffsets({ groupId: config.group, topics });
  for (const t of committed) {
    const ends = new Map(
      (await client.fetchTopicOffsets(t.topic)).map((e) => [e.partition, Number(e.high)]),
    );
    const ids = activePartitions(
      t.partitions.map((p) => p.partition),
      keep,
    );
    for (const p of t.partitions) {
      if (!ids.includes(p.partition)) continue;
      out.push({
        topic: t.topic,
        partition: p.partition,
        latest: ends.get(p.partition),
        committed: Number(p.offset),
      });
    }
  }
  if (out.length === 0) {
    const which = keep === undefined ? '' : ` among partitionLimitation ${keep.join(',')}`;
    throw new SourceError('BadQuery', `${doing}: no partition${which}`);
  }
  return out;
}

export function createKafkaSource(config: KafkaConfig, deps: SourceDeps): Source {
  const what = config.topic === undefined ? 'every topic' : `topic ${JSON.stringify(config.topic)}`;
  const doing = `reading kafka lag of group ${JSON.stringify(config.group)} on ${what} at ${config.brokers.join(',')}`;
  const options: LagOptions = { ...config, lagThreshold: config.target.value };
  let secrets: string[] = [];
  let previous: PreviousOffsets = {};

  const connect = async (): Promise<Admin> => {
    let sasl: SASLOptions | undefined;
    if (config.sasl !== undefined) {
      const password = (await resolveSecret(config.sasl.password, deps, 'sasl.password')) ?? '';
      secrets = [password];
      sasl = { mechanism: config.sasl.mechanism, username: config.sasl.username, password };
    }
    const kafka = new Kafka({
      clientId: 'tide',
      brokers: config.brokers,
      ssl: config.tls,
      ...(sasl === undefined ? {} : { sasl }),
      // The read's own deadline (withTimeout) decides, always as a retryable Timeout; kafkajs's
      // timeouts only end what is left behind (an equal one could win with another error).
      connectionTimeout: config.timeoutMs + 1000,
      requestTimeout: config.timeoutMs + 1000,
      // kafkajs fills its broker pool on the first request's retry: 0 retries never reads.
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
      logLevel: logLevel.NOTHING,
    });
    const client = kafka.admin();
    await client.connect();
    return client;
  };

  const read = async (client: Admin): Promise<Reading> => {
    const total = groupLag(await readPartitions(client, config, doing), options, previous);
    previous = total.previous;
    return {
      timestamp: deps.now(),
      valuesMilli: [total.lag * 1000],
      ...(total.withPersistent === total.lag
        ? {}
        : { activationValueMilli: total.withPersistent * 1000 }),
    };
  };

  const admin = new LazyConnection({ open: connect, end: (a) => a.disconnect() });
  return {
    read: (signal) =>
      withTimeout(signal, { timeoutMs: config.timeoutMs, doing }, async () => {
        try {
          return await read(await admin.get());
        } catch (e) {
          const code = kafkaErrorCode(e);
          if (code !== 'BadQuery') admin.drop();
          throw wrapError(e, code, { doing, secrets });
        }
      }),
    close: () => admin.close(),
  };
}
