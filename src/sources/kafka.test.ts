import { describe, expect, it } from 'vitest';
import { kafkaErrorCode, kafkaSchema, topicLag } from './kafka.js';

describe('kafkaSchema', () => {
  it('applies defaults', () => {
    expect(kafkaSchema.parse({ brokers: ['k:9092'], group: 'g' })).toEqual({
      brokers: ['k:9092'],
      group: 'g',
      offsetResetPolicy: 'latest',
      tls: false,
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
  ])('rejects %j at %s', (config, path) => {
    expect(kafkaSchema.safeParse(config).error?.issues.map((i) => i.path.join('.'))).toContain(
      path,
    );
  });
});

describe('topicLag', () => {
  const ends = [
    { partition: 0, high: '100', low: '0' },
    { partition: 1, high: '50', low: '10' },
    { partition: 2, high: '5', low: '5' },
  ];
  it.each([
    // 100-90 + 50-50 + no commit on 2 (latest: 0)
    [
      [
        { partition: 0, offset: '90' },
        { partition: 1, offset: '50' },
        { partition: 2, offset: '-1' },
      ],
      'latest',
      10,
    ],
    // earliest: partition 1 without commit counts 50-10
    [
      [
        { partition: 0, offset: '90' },
        { partition: 1, offset: '-1' },
      ],
      'earliest',
      50,
    ],
    [
      [
        { partition: 0, offset: '-1' },
        { partition: 1, offset: '-1' },
        { partition: 2, offset: '-1' },
      ],
      'latest',
      0,
    ],
    // a committed offset past the end (after a truncation) never gives negative lag
    [
      [
        { partition: 0, offset: '120' },
        { partition: 1, offset: '40' },
        { partition: 2, offset: '5' },
      ],
      'latest',
      10,
    ],
  ] as const)('%j with %s = %d', (committed, policy, lag) => {
    expect(topicLag({ topic: 't', committed, ends }, policy)).toBe(lag);
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
