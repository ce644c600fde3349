import { describe, expect, it } from 'vitest';
import {
  durationAnnotation,
  intAnnotation,
  numberAnnotation,
  parseGoDuration,
} from './annotations.js';

describe('parseGoDuration', () => {
  it.each([
    ['0', 0],
    ['45s', 45],
    ['2m0s', 120],
    ['1h', 3600],
    ['1.5h', 5400],
    ['1m30s', 90],
    ['500ms', 0.5],
    ['-5s', -5],
    ['', null],
    ['45', null],
    ['5 s', null],
    ['1d', null],
  ])('%j ⇒ %s', (text, seconds) => {
    expect(parseGoDuration(text)).toBe(seconds);
  });
});

describe('annotation getters', () => {
  const a = { n: '2.5', i: '3', bad: 'x', d: '45s', blank: ' ' };
  it.each([
    ['number', numberAnnotation, 'n', 2.5],
    ['number: missing', numberAnnotation, 'none', null],
    ['number: unparsable', numberAnnotation, 'bad', null],
    ['number: blank', numberAnnotation, 'blank', null],
    ['int', intAnnotation, 'i', 3],
    ['int: not an integer', intAnnotation, 'n', null],
    ['duration', durationAnnotation, 'd', 45],
    ['duration: missing', durationAnnotation, 'none', null],
  ] as const)('%s', (...[, get, key, want]) => {
    expect(get(a, key)).toBe(want);
  });
});
