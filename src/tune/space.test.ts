import { describe, expect, it } from 'vitest';
import { parseSpec } from '../core/spec.js';
import {
  type Dimension,
  type Point,
  baseInput,
  canonical,
  isActive,
  pointOf,
  settings,
  specInput,
  tuneSpace,
} from './space.js';

const ctx = { startupSeconds: 60, syncPeriodSeconds: 15, maxReplicas: 1000, sloPercent: 90 };
const space = tuneSpace(ctx);
const base = baseInput(ctx);
const modeIndex = space.findIndex((d) => d.path.join('.') === 'prediction.mode');
/** Every dimension at its first value, prediction on (so every dimension is active). */
const allActive: Point = space.map((_, i) => (i === modeIndex ? 1 : 0));

function at(value: unknown, path: readonly (string | number)[]): unknown {
  let node = value;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  return node;
}

describe('the tuning space', () => {
  it('has prediction.mode with off and on', () => {
    expect(space[modeIndex]?.values).toEqual(['off', 'on']);
  });

  // A row naming a field the schema does not have (or no longer has) fails here.
  it.each(space.map((d, i) => [d.path.join('.'), d, i] as const))(
    '%s: every value parses and lands at its path in the parsed spec',
    (_name, d: Dimension, i) => {
      d.values.forEach((value, v) => {
        const point = allActive.map((x, j) => (j === i ? v : x));
        const parsed = parseSpec(specInput(space, base, point));
        expect(parsed.ok, JSON.stringify(parsed.ok ? null : parsed.issues)).toBe(true);
        if (!parsed.ok || value === undefined) return;
        expect(at(parsed.value, d.path)).toEqual(value);
      });
    },
  );

  it('holds the prediction settings at their first value while prediction is off', () => {
    const off = allActive.map((x, j) => (j === modeIndex ? 0 : 1));
    const c = canonical(space, off);
    space.forEach((d, i) => {
      if (d.when !== undefined) {
        expect(isActive(space, off, i)).toBe(false);
        expect(c[i]).toBe(0);
      }
    });
    const input = specInput(space, base, c) as { prediction: Record<string, unknown> };
    expect(input.prediction).toEqual({ mode: 'off' });
    expect(Object.keys(settings(space, c)).filter((k) => k.startsWith('prediction.'))).toEqual([
      'prediction.mode',
    ]);
  });

  it('finds a point back from its spec input', () => {
    for (let seed = 0; seed < 50; seed++) {
      const point = canonical(
        space,
        space.map((d, i) => (seed * 7 + i * 3) % d.values.length),
      );
      expect(pointOf(space, specInput(space, base, point))).toEqual(point);
    }
  });

  it('never changes the base it builds on', () => {
    const before = JSON.stringify(base);
    specInput(
      space,
      base,
      allActive.map(() => 1),
    );
    expect(JSON.stringify(base)).toBe(before);
  });
});
