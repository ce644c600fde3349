import { describe, expect, it } from 'vitest';
import {
  groupLag,
  kafkaErrorCode,
  kafkaSchema,
  type LagOptions,
  type PartitionOffsets,
} from './kafka.js';

/** The lag settings' defaults (KEDA's). */
const lagDefaults = {
  offsetResetPolicy: 'latest',
  allowIdleConsumers: false,
  excludePersistentLag: false,
  scaleToZeroOnInvalidOffset: false,
  limitToPartitionsWithLag: false,
  ensureEvenDistributionOfPartitions: false,
} as const;

describe('kafkaSchema', () => {
  it('applies defaults', () => {
    const target = { type: 'AverageValue', value: 10 };
    expect(kafkaSchema.parse({ brokers: ['k:9092'], group: 'g', target })).toEqual({
      brokers: ['k:9092'],
      group: 'g',
      ...lagDefaults,
      tls: false,
      target,
      timeoutMs: 5000,
    });
  });
  it.each([
    [{ brokers: [], group: 'g' }, 'brokers'],
    [{ brokers: ['k'], group: 'g' }, 'brokers.0'],
    [{ brokers: ['k:9092'] }, 'group'],
    [
      {
        brokers: ['k:9092'],
        group: 'g',
        sasl: { mechanism: 'plain', username: 'u', password: 'p' },
      },
      'sasl.password',
    ],
    [{ brokers: ['k:9092'], group: 'g', partitionLimitation: [1] }, 'partitionLimitation'],
    [
      { brokers: ['k:9092'], group: 'g', limitToPartitionsWithLag: true },
      'limitToPartitionsWithLag',
    ],
    [
      {
        brokers: ['k:9092'],
        group: 'g',
        topic: 't',
        limitToPartitionsWithLag: true,
        allowIdleConsumers: true,
      },
      'limitToPartitionsWithLag',
    ],
  ])('rejects %j at %s', (config, path) => {
    const withTarget = { target: { type: 'AverageValue', value: 10 }, ...config };
    expect(kafkaSchema.safeParse(withTarget).error?.issues.map((i) => i.path.join('.'))).toContain(
      path,
    );
  });
});

describe('groupLag', () => {
  const defaults: LagOptions = { lagThreshold: 10, ...lagDefaults };
  const parts = (...offsets: [number | undefined, number][]): PartitionOffsets[] =>
    offsets.map(([latest, committed], partition) => ({ topic: 't', partition, latest, committed }));
  it.each([
    // 100-90 + 50-50 + no commit on 2 (latest: 1, so the group stays active)
    ['latest, one partition never committed', parts([100, 90], [50, 50], [5, -1]), {}, 11],
    [
      'scaleToZeroOnInvalidOffset',
      parts([100, 90], [50, 50], [5, -1]),
      { scaleToZeroOnInvalidOffset: true },
      10,
    ],
    // earliest without commit: the end offset itself (KEDA), not end - start
    [
      'earliest counts the end offset',
      parts([100, 90], [50, -1]),
      { offsetResetPolicy: 'earliest', allowIdleConsumers: true },
      60,
    ],
    ['no commit anywhere, latest', parts([100, -1], [50, -1], [5, -1]), {}, 3],
    // a committed offset past the end never gives a negative lag (Tide's one difference)
    ['committed past the end', parts([100, 120], [50, 40], [5, 5]), {}, 10],
    // 3 partitions, threshold 10: 35 / 10 = 3 is not above 3, so no cap (KEDA's integer division)
    ['integer division leaves 35 uncapped', parts([20, 0], [15, 0], [0, 0]), {}, 35],
    ['capped at partitions × threshold', parts([30, 0], [15, 0], [0, 0]), {}, 30],
    [
      'allowIdleConsumers lifts the cap',
      parts([30, 0], [15, 0], [0, 0]),
      { allowIdleConsumers: true },
      45,
    ],
    [
      'limitToPartitionsWithLag caps at partitions with lag',
      parts([30, 0], [15, 0], [0, 0]),
      { limitToPartitionsWithLag: true },
      20,
    ],
    // 4 partitions, lag 25 → divisors 1, 2, 4: 4 × 10 ≥ 25
    [
      'ensureEvenDistributionOfPartitions',
      parts([25, 0], [0, 0], [0, 0], [0, 0]),
      { ensureEvenDistributionOfPartitions: true },
      40,
    ],
    ['missing end offset counts 0', parts([undefined, 5], [10, 0]), {}, 10],
  ] as const)('%s', (_, partitions, options, lag) => {
    expect(groupLag(partitions, { ...defaults, ...options }, {}).lag).toBe(lag);
  });

  it('excludePersistentLag: an offset that did not move counts for activation only', () => {
    const options = { ...defaults, excludePersistentLag: true };
    const first = groupLag(parts([10, 4], [8, 8]), options, {});
    expect(first).toEqual({ lag: 6, withPersistent: 6, previous: { 't/0': 4, 't/1': 8 } });
    const stuck = groupLag(parts([12, 4], [8, 8]), options, first.previous);
    expect(stuck).toMatchObject({ lag: 0, withPersistent: 8 });
    const moved = groupLag(parts([12, 6], [8, 8]), options, stuck.previous);
    expect(moved).toMatchObject({ lag: 6, withPersistent: 6 });
  });

  it('the cap does not change what activation compares', () => {
    expect(groupLag(parts([500, 0]), defaults, {})).toMatchObject({ lag: 10, withPersistent: 500 });
  });
});

describe('kafkaErrorCode', () => {
  it.each([
    [{ name: 'KafkaJSSASLAuthenticationError' }, 'Unauthorized'],
    [{ name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION' }, 'BadQuery'],
    [{ name: 'KafkaJSProtocolError', type: 'GROUP_AUTHORIZATION_FAILED' }, 'Unauthorized'],
    [{ name: 'KafkaJSRequestTimeoutError' }, 'Timeout'],
    [{ name: 'KafkaJSConnectionError', code: 'ECONNREFUSED' }, 'Unavailable'],
    [
      {
        name: 'KafkaJSNumberOfRetriesExceeded',
        originalError: { name: 'KafkaJSSASLAuthenticationError' },
      },
      'Unauthorized',
    ],
  ])('%j → %s', (fields, code) => {
    expect(kafkaErrorCode(Object.assign(new Error('x'), fields))).toBe(code);
  });
});
