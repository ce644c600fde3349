import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.js';
import { exponentialBackoffRateLimiter } from './rate-limiter.js';
import { WorkQueue } from './workqueue.js';

const t0 = Date.UTC(2024, 0, 1);

async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

/** Keys handed out so far, by a getter that keeps asking (and never calls done()). */
function collect(queue: WorkQueue): string[] {
  const got: string[] = [];
  void (async () => {
    for (let key; (key = await queue.get()) !== undefined;) got.push(key);
  })();
  return got;
}

describe('WorkQueue', () => {
  it('queues a key once however often it is added, in order of first add', async () => {
    const queue = new WorkQueue({ clock: new FakeClock(t0) });
    for (const key of ['a', 'b', 'a', 'c', 'b']) queue.add(key);
    expect(queue.len()).toBe(3);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual(['a', 'b', 'c']);
    expect(queue.len()).toBe(0);
  });

  it('never hands out a key twice at once: added while processed, it comes back after done()', async () => {
    const queue = new WorkQueue({ clock: new FakeClock(t0) });
    queue.add('a');
    expect(await queue.get()).toBe('a');
    queue.add('a');
    queue.add('a');
    expect(queue.len()).toBe(0);
    const got = collect(queue);
    await settle();
    expect(got).toEqual([]);
    queue.done('a');
    await settle();
    expect(got).toEqual(['a']);
    queue.done('a');
    queue.add('b');
    await settle();
    expect(got).toEqual(['a', 'b']);
  });

  it('wakes a blocked get() when a key arrives, one key per getter', async () => {
    const queue = new WorkQueue({ clock: new FakeClock(t0) });
    const first = queue.get();
    const second = queue.get();
    queue.add('x');
    queue.add('y');
    expect([await first, await second]).toEqual(['x', 'y']);
  });

  it('addAfter adds a key once its time has come; the earlier of two times wins', async () => {
    const clock = new FakeClock(t0);
    const queue = new WorkQueue({ clock });
    queue.addAfter('a', 1_000);
    queue.addAfter('a', 5_000); // later: ignored
    queue.addAfter('b', 3_000);
    queue.addAfter('b', 2_000); // earlier: replaces 3 s
    queue.addAfter('c', 0); // now
    expect(queue.len()).toBe(1);
    expect(clock.sleeping).toBe(2);
    const got = collect(queue);
    await settle();
    expect(got).toEqual(['c']);
    clock.advance(999);
    await settle();
    expect(got).toEqual(['c']);
    clock.advance(1);
    await settle();
    expect(got).toEqual(['c', 'a']);
    clock.advance(1_000);
    await settle();
    expect(got).toEqual(['c', 'a', 'b']);
    clock.advance(10_000);
    await settle();
    expect(got).toEqual(['c', 'a', 'b']);
    expect(clock.sleeping).toBe(0);
  });

  it('addRateLimited backs off per key; forget() starts the backoff again', async () => {
    const clock = new FakeClock(t0);
    const queue = new WorkQueue({ clock, rateLimiter: exponentialBackoffRateLimiter(5, 40) });
    const retries: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = clock.now();
      queue.addRateLimited('a');
      while (queue.len() === 0) {
        clock.advance(1);
        await settle();
      }
      retries.push(clock.now() - before);
      expect(await queue.get()).toBe('a');
      queue.done('a');
    }
    expect(retries).toEqual([5, 10, 20, 40, 40]);
    expect(queue.numRequeues('a')).toBe(5);
    queue.forget('a');
    expect(queue.numRequeues('a')).toBe(0);
  });

  it('uses the default controller limiter when given none', () => {
    const clock = new FakeClock(t0);
    const queue = new WorkQueue({ clock });
    queue.addRateLimited('a');
    expect(clock.sleeping).toBe(1);
    expect(queue.numRequeues('a')).toBe(1);
  });

  it('shutDown answers blocked getters, refuses new keys, cancels delayed ones, still hands out queued ones', async () => {
    const clock = new FakeClock(t0);
    const queue = new WorkQueue({ clock });
    const blocked = queue.get();
    queue.shutDown();
    expect(await blocked).toBeUndefined();
    expect(queue.shuttingDown()).toBe(true);

    const other = new WorkQueue({ clock });
    other.add('queued');
    other.addAfter('later', 1_000);
    other.shutDown();
    other.add('new');
    other.addAfter('newer', 1_000);
    expect(clock.sleeping).toBe(0);
    expect(await other.get()).toBe('queued');
    expect(await other.get()).toBeUndefined();
  });

  it('shutDownWithDrain waits until every key handed out is done', async () => {
    const queue = new WorkQueue({ clock: new FakeClock(t0) });
    queue.add('a');
    queue.add('b');
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
    queue.add('a'); // dirty while processed: queued again by done()
    let drained = false;
    const draining = queue.shutDownWithDrain().then(() => (drained = true));
    queue.done('a');
    await settle();
    expect(drained).toBe(false);
    queue.done('b');
    await draining;
    expect(drained).toBe(true);
    expect(await queue.get()).toBe('a');
    await expect(new WorkQueue({ clock: new FakeClock(t0) }).shutDownWithDrain()).resolves.toBe(
      undefined,
    );
  });
});
