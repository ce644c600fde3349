/**
 * `kafka`: a consumer group's lag, per topic and in total (kafkajs admin client). For every
 * partition: lag = the partition's end offset (high watermark) − the group's committed offset.
 * The reading holds one value per topic; the engine sums them (the total). With `topic` set only
 * that topic is read; without it, every topic the group has committed offsets for.
 *
 * A partition without a committed offset follows `offsetResetPolicy`, as a new consumer would:
 * `latest` starts at the end (lag 0), `earliest` at the beginning (lag = high − low).
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
  type Source,
  type SourceDeps,
  type SourceErrorCode,
} from './source.js';

export const kafkaSchema = z
  .object({
    /** Bootstrap brokers, `host:port`. */
    brokers: z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, 'must be host:port')).min(1),
    group: z.string().min(1),
    topic: z.string().min(1).optional(),
    offsetResetPolicy: z.enum(['latest', 'earliest']).default('latest'),
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
    ...commonSourceKeys,
  })
  .strict();
export type KafkaConfig = z.output<typeof kafkaSchema>;

export interface PartitionOffset {
  readonly partition: number;
  /** The committed offset; "-1" when the group has none. */
  readonly offset: string;
}

export interface PartitionEnds {
  readonly partition: number;
  readonly high: string;
  readonly low: string;
}

export interface TopicOffsets {
  readonly topic: string;
  readonly committed: readonly PartitionOffset[];
  readonly ends: readonly PartitionEnds[];
}

/** The group's lag on one topic: Σ over partitions of end − committed (never negative). */
export function topicLag(offsets: TopicOffsets, policy: 'latest' | 'earliest'): number {
  const committed = new Map(offsets.committed.map((p) => [p.partition, Number(p.offset)]));
  let lag = 0;
  for (const end of offsets.ends) {
    const high = Number(end.high);
    const at = committed.get(end.partition) ?? -1;
    if (at >= 0) lag += Math.max(0, high - at);
    else if (policy === 'earliest') lag += Math.max(0, high - Number(end.low));
  }
  return lag;
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

export function createKafkaSource(config: KafkaConfig, deps: SourceDeps): Source {
  const what = config.topic === undefined ? 'every topic' : `topic ${JSON.stringify(config.topic)}`;
  const doing = `reading kafka lag of group ${JSON.stringify(config.group)} on ${what} at ${config.brokers.join(',')}`;
  let secrets: string[] = [];

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
      connectionTimeout: config.timeoutMs,
      requestTimeout: config.timeoutMs,
      // kafkajs fills its broker pool on the first request's retry: 0 retries never reads.
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
      logLevel: logLevel.NOTHING,
    });
    const client = kafka.admin();
    await client.connect();
    return client;
  };

  const lags = async (client: Admin): Promise<number[]> => {
    const committed = await client.fetchOffsets({
      groupId: config.group,
      ...(config.topic === undefined ? {} : { topics: [config.topic] }),
    });
    if (committed.length === 0) {
      throw new SourceError('NoData', `${doing}: the group has no committed offsets`);
    }
    const out: number[] = [];
    for (const t of committed) {
      const ends = await client.fetchTopicOffsets(t.topic);
      out.push(
        topicLag({ topic: t.topic, committed: t.partitions, ends }, config.offsetResetPolicy),
      );
    }
    return out;
  };

  const admin = new LazyConnection({ open: connect, end: (a) => a.disconnect() });
  return {
    read: (signal) =>
      withTimeout(signal, { timeoutMs: config.timeoutMs, doing }, async () => {
        try {
          const values = await lags(await admin.get());
          return { timestamp: deps.now(), valuesMilli: values.map((v) => v * 1000) };
        } catch (e) {
          const code = kafkaErrorCode(e);
          if (code !== 'BadQuery') admin.drop();
          throw wrapError(e, code, { doing, secrets });
        }
      }),
    close: () => admin.close(),
  };
}
