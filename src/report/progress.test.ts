import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress.js';

function setup(options: { tty: boolean; enabled?: boolean }) {
  const writes: string[] = [];
  let now = 0;
  const bar = new ProgressBar({
    stream: { isTTY: options.tty, write: (s: string) => writes.push(s) },
    total: 100,
    label: 'work',
    enabled: options.enabled ?? true,
    now: () => now,
    width: 10,
  });
  return { bar, writes, tick: (ms: number) => (now += ms) };
}

describe('ProgressBar', () => {
  it('draws nothing during the first second, then the share done, and clears at the end', () => {
    const { bar, writes, tick } = setup({ tty: true });
    tick(500);
    bar.advance(10);
    expect(writes).toEqual([]);
    tick(600);
    bar.advance(40);
    expect(writes).toEqual(['\r█████░░░░░  50 % 1.1 s work\x1b[K']);
    bar.finish();
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });

  it.each([
    ['not a terminal', { tty: false }],
    ['--quiet', { tty: true, enabled: false }],
  ])('is silent when stderr is %s', (_why, options) => {
    const { bar, writes, tick } = setup(options);
    tick(5000);
    bar.advance(50);
    bar.finish();
    expect(writes).toEqual([]);
  });
});
