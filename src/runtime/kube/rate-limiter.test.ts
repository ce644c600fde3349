import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import {
  apiClientRateLimit,
  bucketRateLimiter,
  createTokenBucket,
  defaultControllerRateLimiter,
  exponentialBackoffRateLimiter,
  maxOfRateLimiter,
} from './rate-limiter.js';

const t0 = Date.UTC(2024, 0, 1);

describe('createTokenBucket', () => {
  it('lets a burst through, then one call per 1/qps', () => {
    const clock = new FakeClock(t0);
    const bucket = createTokenBucket(10, 100, clock);
    const waits = Array.from({ length: 103 }, () => bucket.reserve());
    expect(waits.slice(0, 100).every((w) => w === 0)).toBe(true);
    expect(waits.slice(100)).toEqual([100, 200, 300]);
    clock.advance(1_000); // 10 tokens back, 3 of them owed
    expect(Array.from({ length: 8 }, () => bucket.reserve())).toEqual([0, 0, 0, 0, 0, 0, 0, 100]);
  });

  it('refills up to the burst, not beyond', () => {
    const clock = new FakeClock(t0);
    const bucket = createTokenBucket(20, 30, clock);
    for (let i = 0; i < 30; i++) bucket.reserve();
    clock.advance(3_600_000);
    const waits = Array.from({ length: 31 }, () => bucket.reserve());
    expect(waits.filter((w) => w === 0)).toHaveLength(30);
    expect(waits.at(-1)).toBe(50);
  });

  it('acquire waits on the clock, and an aborted wait gives its token back', async () => {
    const clock = new FakeClock(t0);
    const bucket = createTokenBucket(apiClientRateLimit.qps, 1, clock);
    await bucket.acquire(); // the burst
    let acquired = false;
    const second = bucket.acquire().then(() => (acquired = true));
    clock.advance(49);
    await Promise.resolve();
    expect(acquired).toBe(false);
    clock.advance(1);
    await second;
    const controller = new AbortController();
    const third = bucket.acquire(controller.signal);
    controller.abort(new Error('shutting down'));
    await expect(third).rejects.toThrow('shutting down');
    expect(bucket.reserve()).toBe(50); // not 100: the aborted call's token came back
  });

  it.each([
    [0, 1],
    [10, 0],
    [NaN, 10],
  ])('refuses qps %s, burst %s', (qps, burst) => {
    expect(() => createTokenBucket(qps, burst, new FakeClock(t0))).toThrow('token bucket');
  });
});

describe('exponentialBackoffRateLimiter', () => {
  it('doubles per retry of a key from 5 ms up to 1000 s, and forget() starts again', () => {
    const limiter = exponentialBackoffRateLimiter(5, 1_000_000);
    const waits = Array.from({ length: 20 }, () => limiter.when('a'));
    expect(waits.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    expect(waits[17]).toBe(655_360);
    expect(waits[18]).toBe(1_000_000);
    expect(waits[19]).toBe(1_000_000);
    expect(limiter.when('b')).toBe(5);
    expect(limiter.numRequeues('a')).toBe(20);
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
    expect(limiter.when('a')).toBe(5);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('is the max of the per-key backoff and the overall 10 qps / burst 100 bucket', () => {
    const clock = new FakeClock(t0);
    const limiter = defaultControllerRateLimiter(clock);
    // 100 different keys: the bucket's burst; each key's first retry waits 5 ms.
    const first = Array.from({ length: 100 }, (_, i) => limiter.when(`key-${i}`));
    expect(new Set(first)).toEqual(new Set([5]));
    // The bucket is empty now: the next key waits for a token, not 5 ms.
    expect(limiter.when('another')).toBe(100);
    clock.advance(3_600_000);
    expect(limiter.when('key-0')).toBe(10);
    expect(limiter.numRequeues('key-0')).toBe(2);
    limiter.forget('key-0');
    expect(limiter.numRequeues('key-0')).toBe(0);
  });

  it('maxOfRateLimiter of nothing waits 0 ms', () => {
    const limiter = maxOfRateLimiter();
    expect(limiter.when('a')).toBe(0);
    const bucket = bucketRateLimiter(createTokenBucket(1, 1, new FakeClock(t0)));
    expect(maxOfRateLimiter(bucket).numRequeues('a')).toBe(0);
  });
});
