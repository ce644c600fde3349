import { describe, expect, it } from 'vitest';
import { panicWindowSeconds, resolveWindows } from './windows.js';

const config = { stableWindowSeconds: 60, panicWindowPercentage: 10 };
const k = (name: string): string => `autoscaling.knative.dev/${name}`;

describe('windows', () => {
  it.each([
    ['defaults', {}, 60, 6],
    ['window annotation', { [k('window')]: '2m' }, 120, 12],
    ['window below 6 s is ignored', { [k('window')]: '5s' }, 60, 6],
    ['window above 1 h is ignored', { [k('window')]: '2h' }, 60, 6],
    ['unparsable window is ignored', { [k('window')]: 'soon' }, 60, 6],
    [
      'panic percentage annotation rounds to the second',
      { [k('panic-window-percentage')]: '51' },
      60,
      31,
    ],
    ['panic percentage out of range is ignored', { [k('panic-window-percentage')]: '0' }, 60, 6],
  ])('%s', (_name, annotations, stable, panic) => {
    expect(resolveWindows(annotations, config)).toEqual({
      stableWindowSeconds: stable,
      panicWindowSeconds: panic,
    });
  });

  it.each([
    [6, 1, 1],
    [6, 10, 1],
    [60, 10, 6],
    [15, 10, 2],
    [25, 10, 3],
  ])('panic window of %d s at %d %% is %d s', (stable, pct, want) => {
    expect(panicWindowSeconds(stable, pct)).toBe(want);
  });
});
