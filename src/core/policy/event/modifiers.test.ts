import { describe, expect, it } from 'vitest';
import { parseFormula } from './formula.js';
import {
  compositeValueMilli,
  pairTriggerAndMetric,
  parseModifierNumber,
  type CompositeInput,
} from './modifiers.js';

const compiled = (src: string): CompositeInput['formula'] => {
  const r = parseFormula(src);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

const base: CompositeInput = {
  formula: compiled('a + b'),
  target: '2',
  fallback: null,
  health: null,
  metrics: [
    { metricName: 's0-a', valueMilli: 1500 },
    { metricName: 's1-b', valueMilli: 2250 },
  ],
  metricToTrigger: { 's0-a': 'a', 's1-b': 'b' },
};
const failing = { 's0-a': { numberOfFailures: 5, status: 'Failing' as const } };

describe('compositeValueMilli', () => {
  it.each<[string, Partial<CompositeInput>, number | string]>([
    ['sums triggers', {}, 3750],
    ['truncates toward zero', { formula: compiled('a / 7') }, 214],
    ['no formula', { formula: null }, 'scalingModifiers.formula is not compiled'],
    [
      'non-number result',
      { formula: compiled('a > b') },
      'scalingModifiers.formula must return a number, got false',
    ],
    [
      'static fallback beyond threshold skips the formula',
      { fallback: { failureThreshold: 3, replicas: 4, behavior: null }, health: failing },
      8000,
    ],
    [
      'scalingModifiers fallback: nil inside the formula',
      {
        formula: compiled('a ?? b'),
        fallback: { failureThreshold: 3, replicas: 4, behavior: 'scalingModifiers' },
        health: failing,
      },
      2250,
    ],
    [
      'nil formula result → fallback.replicas × target',
      {
        formula: compiled('a ?? nil'),
        fallback: { failureThreshold: 3, replicas: 4, behavior: 'scalingModifiers' },
        health: failing,
      },
      8000,
    ],
    [
      'nil result without fallback is an error',
      { formula: compiled('nil') },
      'scalingModifiers.formula returned nil and no fallback is configured',
    ],
  ])('%s', (_n, over, expected) => {
    const r = compositeValueMilli({ ...base, ...over });
    expect(r.ok ? r.value : r.error).toBe(expected);
  });
});

describe('helpers', () => {
  it('pairs a metric with its trigger only when a formula is set', () => {
    expect(
      pairTriggerAndMetric({ advancedPresent: true, formula: 'a', metric: 'm', trigger: 'a' }),
    ).toEqual({ ok: true, value: { m: 'a' } });
    expect(
      pairTriggerAndMetric({ advancedPresent: true, formula: 'a', metric: 'm', trigger: '' }).ok,
    ).toBe(false);
  });
  it.each([
    ['2', 2],
    ['0.5', 0.5],
    ['abc', null],
    [null, null],
  ])('parseModifierNumber(%j)', (text, value) => {
    const r = parseModifierNumber(text, 'scalingModifiers.target');
    expect(r.ok ? r.value : null).toBe(value);
  });
});
