import { describe, expect, it } from 'vitest';
import { decide } from '../decide.js';
import { initialState } from '../model.js';
import { parseSpec } from '../spec.js';

const t0 = Date.UTC(2024, 0, 1);

function specWith(paused: unknown): Parameters<typeof decide>[0] {
  const r = parseSpec({
    minReplicas: 1,
    maxReplicas: 10,
    prediction: { mode: 'off' },
    triggers: [
      {
        name: 'q',
        type: 'redis',
        host: 'r',
        key: 'k',
        target: { type: 'AverageValue', value: 10 },
      },
    ],
    event: { paused },
  });
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.value;
}

describe('KEDA pause', () => {
  it.each([
    // paused, current replicas, queue length → desired
    [null, 2, 100, 6], // not paused: 10 proposed, the default scale-up limit max(+100 %, +4 pods) gives 6
    [{ replicas: null }, 2, 100, 2], // paused: held
    [{ replicas: 5 }, 2, 100, 5], // paused-replicas: moved to 5
    [{ replicas: 0 }, 2, 100, 0], // paused at 0, below minReplicas as in KEDA
    [{ replicas: 20 }, 2, 100, 20], // above maxReplicas as in KEDA
  ])('paused %j at %i replicas reading %i → %i', (paused, current, value, expected) => {
    const d = decide(
      specWith(paused),
      {
        currentReplicas: current,
        pods: [],
        metrics: { q: { status: 'ok', timestamp: t0, valuesMilli: [value * 1000] } },
      },
      initialState(),
      t0,
    );
    expect(d.desiredReplicas).toBe(expected);
    if (paused !== null) expect(d.reasons.some((r) => r.code === 'Paused')).toBe(true);
  });

  it('rejects a negative paused count with the path, the value and the rule', () => {
    const r = parseSpec({ event: { paused: { replicas: -1 } } });
    expect(r.ok ? [] : r.issues.map((i) => i.message)).toEqual([
      'event.paused.replicas = -1: must be a whole number of at least 0',
    ]);
  });
});
