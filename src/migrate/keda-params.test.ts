import { describe, expect, it } from 'vitest';
import { newSink } from './issues.js';
import { bool, durationMs, integer, num, type TriggerCtx } from './keda-params.js';

const ctx = (metadata: Record<string, string>): TriggerCtx => ({
  sink: newSink('keda.sh/v1alpha1 ScaledObject default/case'),
  field: 'spec.triggers[0]',
  type: 'prometheus',
  namespace: 'default',
  metadata,
  params: new Map(),
  used: new Set(),
  secretDir: '/secrets',
  secrets: [],
});

/** The value read and whether it was an error, as KEDA's typed scaler config reads `v`. */
function read<T>(f: (c: TriggerCtx, name: string) => T, v: string): [T, boolean] {
  const c = ctx({ v });
  return [f(c, 'v'), c.sink.issues.length > 0];
}

describe("KEDA trigger parameters as KEDA's typed config reads them", () => {
  const readers = { number: num, integer, duration: durationMs };
  it.each([
    ['number', '100', 100, false],
    ['number', ' 2.5 ', 2.5, false],
    ['number', '1e3', 1000, false],
    ['number', '-1', -1, false],
    ['number', 'one', undefined, true],
    ['number', '+5', undefined, true],
    ['number', '.5', undefined, true],
    ['number', '010', undefined, true],
    ['number', '0x10', undefined, true],
    ['number', 'Infinity', undefined, true],
    ['integer', '10', 10, false],
    ['integer', '10.5', undefined, true],
    ['integer', '1e3', undefined, true],
    ['duration', '1000', 1000, false],
    ['duration', '30s', 30_000, false],
    ['duration', '1m30s', 90_000, false],
    ['duration', '1.5h', 5_400_000, false],
    ['duration', '250ms', 250, false],
    ['duration', '0', 0, false],
    ['duration', '-1', undefined, true],
    ['duration', '-5s', undefined, true],
    ['duration', 'a', undefined, true],
    ['duration', '5x', undefined, true],
  ] as const)('%s %j', (kind, v, value, error) => {
    expect(read(readers[kind], v)).toEqual([value, error]);
  });

  it('reads an empty or blank value as unset (its default), as KEDA does', () => {
    expect(read((c, n) => num(c, n, 7), '')).toEqual([7, false]);
    expect(read((c, n) => bool(c, n, true), '  ')).toEqual([true, false]);
    expect(read((c, n) => bool(c, n, false), ' true ')).toEqual([true, false]);
  });
});
