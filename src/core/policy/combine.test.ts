import { describe, expect, it } from 'vitest';
import type { TriggerOutcome } from '../model.js';
import { combineProposals } from './combine.js';

const ok = (name: string, replicas: number): TriggerOutcome => ({
  name,
  type: 'x',
  replicas,
  value: 1,
  active: true,
  error: null,
});
const bad = (name: string): TriggerOutcome => ({
  name,
  type: 'x',
  replicas: null,
  value: null,
  active: false,
  error: { code: 'Timeout', message: `${name} timed out`, retryable: true },
});
const reasons = (outcomes: TriggerOutcome[]): (string | null)[] =>
  outcomes.map((o) => (o.replicas === null ? 'FailedGetExternalMetric' : null));

describe('combineProposals', () => {
  it.each<[string, number, TriggerOutcome[], string, number, boolean?]>([
    ['the largest proposal wins', 3, [ok('a', 2), ok('b', 5), ok('c', 4)], 'proceed', 5],
    ['a zero proposal is replaced by any other', 3, [ok('a', 0), ok('b', 1)], 'proceed', 1],
    ['scale-up proceeds despite a failure', 3, [ok('a', 5), bad('b')], 'proceed', 5],
    ['holding equal to current proceeds', 3, [ok('a', 3), bad('b')], 'proceed', 3],
    ['scale-down is blocked by a failure', 5, [ok('a', 2), bad('b')], 'hold', 5, false],
    ['every trigger failed', 5, [bad('a'), bad('b')], 'hold', 5, true],
    ['no triggers at all', 5, [], 'hold', 5, true],
  ])('%s', (...row) => {
    const [, current, outcomes, kind, replicas, allFailed] = row;
    const r = combineProposals({ current, outcomes, failureReasons: reasons(outcomes) });
    expect(r.kind).toBe(kind);
    expect(r.kind === 'proceed' ? r.replicas : r.reason.replicas).toBe(replicas);
    if (r.kind === 'hold') {
      expect(r.allFailed).toBe(allFailed);
      expect(r.conditionReason).toBe(
        outcomes.length === 0 ? 'FailedGetMetrics' : 'FailedGetExternalMetric',
      );
    }
  });

  it('names the first failure in the hold message', () => {
    const outcomes = [ok('a', 1), bad('b'), bad('c')];
    const r = combineProposals({ current: 4, outcomes, failureReasons: reasons(outcomes) });
    expect(r.kind === 'hold' && r.message).toContain('b timed out');
  });
});
