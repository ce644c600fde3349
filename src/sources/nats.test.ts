import { describe, expect, it } from 'vitest';
import { consumerBacklog, natsErrorCode, natsSchema } from './nats.js';

describe('natsSchema', () => {
  it('applies defaults', () => {
    expect(natsSchema.parse({ host: 'n', stream: 'S', consumer: 'c' })).toEqual({
      host: 'n',
      port: 4222,
      tls: false,
      stream: 'S',
      consumer: 'c',
      metric: 'total',
      timeoutMs: 5000,
    });
  });
  it.each([
    [{ password: { fromEnv: 'P' } }, 'password'],
    [{ username: 'u', token: { fromEnv: 'T' } }, 'token'],
    [{ metric: 'lag' }, 'metric'],
  ])('rejects %j at %s', (extra, path) => {
    const issues =
      natsSchema.safeParse({ host: 'n', stream: 'S', consumer: 'c', ...extra }).error?.issues ?? [];
    expect(issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('consumerBacklog', () => {
  const info = { num_pending: 7, num_ack_pending: 2 };
  it.each([
    ['pending', 7],
    ['ackPending', 2],
    ['total', 9],
  ] as const)('%s = %d', (metric, value) => {
    expect(consumerBacklog(info, metric)).toBe(value);
  });
});

describe('natsErrorCode', () => {
  it.each([
    [{ code: 'AUTHORIZATION_VIOLATION' }, 'Unauthorized'],
    [{ code: '404' }, 'BadQuery'],
    [
      { code: '400', api_error: { code: 404, err_code: 10014, description: 'consumer not found' } },
      'BadQuery',
    ],
    [{ code: 'TIMEOUT' }, 'Timeout'],
    [{ code: 'CONNECTION_REFUSED' }, 'Unavailable'],
  ])('%j → %s', (fields, code) => {
    expect(natsErrorCode(Object.assign(new Error('x'), fields))).toBe(code);
  });
});
