import { describe, expect, it } from 'vitest';
import { FakeClock, systemClock } from './clock.js';

const t0 = Date.UTC(2024, 0, 1);

describe('FakeClock', () => {
  it('wakes sleepers only when time reaches them', async () => {
    const clock = new FakeClock(t0);
    const woke: number[] = [];
    void clock.sleep(1000).then(() => woke.push(1000));
    void clock.sleep(3000).then(() => woke.push(3000));
    clock.advance(999);
    await Promise.resolve();
    expect(woke).toEqual([]);
    clock.advance(1);
    await Promise.resolve();
    expect(woke).toEqual([1000]);
    clock.advance(5000);
    await Promise.resolve();
    expect(woke).toEqual([1000, 3000]);
    expect(clock.now()).toBe(t0 + 6000);
  });

  it('rejects a sleep when its signal aborts', async () => {
    const clock = new FakeClock(t0);
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(clock.sleeping).toBe(0);
  });
});

describe('systemClock', () => {
  it('sleeps and can be interrupted', async () => {
    await expect(systemClock.sleep(1)).resolves.toBeUndefined();
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort(new Error('shutdown'));
    await expect(sleeping).rejects.toThrow('shutdown');
    expect(systemClock.now()).toBeGreaterThan(t0);
  });
});
