import { describe, expect, it } from 'vitest';
import { FakeClock, ScaledClock, systemClock } from './clock.js';

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

describe('ScaledClock', () => {
  it('runs factor times faster than its base from the moment it is made', async () => {
    const base = new FakeClock(t0);
    const clock = new ScaledClock(80, base);
    expect(clock.now()).toBe(t0);
    base.advance(1000);
    expect(clock.now()).toBe(t0 + 80_000);
    expect(clock.fromReal(t0 + 500)).toBe(t0 + 40_000);
    const woke: number[] = [];
    void clock.sleep(16_000).then(() => woke.push(clock.now()));
    base.advance(199);
    await Promise.resolve();
    expect(woke).toEqual([]);
    base.advance(1);
    await Promise.resolve();
    expect(woke).toEqual([t0 + 96_000]);
  });

  it('refuses a factor that is not a positive number', () => {
    for (const bad of [0, -2, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new ScaledClock(bad)).toThrow(/time scale must be a positive number/);
    }
  });
});
