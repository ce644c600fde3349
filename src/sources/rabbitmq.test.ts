import { describe, expect, it } from 'vitest';
import { amqpErrorCode, decodeQueue, rabbitmqSchema } from './rabbitmq.js';

describe('rabbitmqSchema', () => {
  it.each([
    [{}, 15672],
    [{ tls: true }, 15671],
    [{ protocol: 'amqp', metric: 'messagesReady' }, 5672],
    [{ protocol: 'amqp', metric: 'messagesReady', tls: true }, 5671],
    [{ port: 1234 }, 1234],
  ])('%j → port %d', (extra, port) => {
    expect(rabbitmqSchema.parse({ host: 'mq', queue: 'q', ...extra }).port).toBe(port);
  });

  it('defaults to messages over http with guest credentials on vhost /', () => {
    expect(rabbitmqSchema.parse({ host: 'mq', queue: 'q' })).toMatchObject({
      protocol: 'http',
      metric: 'messages',
      vhost: '/',
      username: 'guest',
    });
  });

  it('allows only messagesReady over amqp', () => {
    const issue = rabbitmqSchema.safeParse({ host: 'mq', queue: 'q', protocol: 'amqp' }).error
      ?.issues[0];
    expect(issue?.path).toEqual(['metric']);
    expect(issue?.message).toBe(
      'metric = messages: over amqp only messagesReady can be read (use protocol: http)',
    );
  });
});

// A queue object from GET /api/queues/%2F/orders (trimmed).
const queue = {
  name: 'orders',
  vhost: '/',
  messages: 12,
  messages_ready: 9,
  messages_unacknowledged: 3,
  message_stats: { publish: 120, publish_details: { rate: 2.5 } },
};

describe('decodeQueue', () => {
  it.each([
    ['messages', 12],
    ['messagesReady', 9],
    ['messagesUnacknowledged', 3],
    ['publishRate', 2.5],
  ] as const)('%s = %d', (metric, value) => {
    expect(decodeQueue(queue, metric, 'd')).toBe(value);
  });

  it('reads a publish rate of 0 for a queue nobody published to yet', () => {
    expect(
      decodeQueue(
        { name: 'new', messages: 0, messages_ready: 0, messages_unacknowledged: 0 },
        'publishRate',
        'd',
      ),
    ).toBe(0);
  });

  it('fails with NoData while a new queue has no statistics yet', () => {
    expect(() => decodeQueue({ name: 'new' }, 'messages', 'd')).toThrow(
      expect.objectContaining({ code: 'NoData' }),
    );
  });
});

describe('amqpErrorCode', () => {
  it.each([
    [
      'Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused"',
      'Unauthorized',
    ],
    [
      "Operation failed: QueueDeclare; 404 (NOT-FOUND) with message \"NOT_FOUND - no queue 'x' in vhost '/'\"",
      'BadQuery',
    ],
    ['connect ECONNREFUSED 127.0.0.1:5672', 'Unavailable'],
  ])('%s → %s', (message, code) => {
    expect(amqpErrorCode(new Error(message))).toBe(code);
  });
});
