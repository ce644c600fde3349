/**
 * `behavior` cases of `hpa-cases.json` (FORMAT.md §3.5), run against the step functions in
 * `core/steps`.
 *
 * @module
 */
import { defaultSpec } from '../core/spec.js';
import { convertDesiredReplicasWithRules } from '../core/steps/clamp.js';
import { effectiveBehavior } from '../core/steps/normalize.js';
import {
  convertDesiredReplicasWithBehaviorRate,
  scaleDownLimit,
  scaleUpLimit,
} from '../core/steps/rate-limit.js';
import { recordScaleEvent, replicasChangePerPeriod } from '../core/steps/scale-events.js';
import {
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
} from '../core/steps/stabilize.js';
import {
  at,
  relativeSeconds,
  toEvents,
  toRecommendations,
  toRules,
  type CaseEvent,
  type CaseRules,
} from './hpa-fixtures.js';

type Actual = Record<string, unknown>;
type Input = Record<string, unknown>;

const now = at(0);
const num = (input: Input, key: string): number => input[key] as number;
const recs = (input: Input): ReturnType<typeof toRecommendations> =>
  toRecommendations(input['recommendations'] as { replicas: number; timestamp_s: number }[]);
const events = (input: Input, key: string): ReturnType<typeof toEvents> =>
  toEvents((input[key] as CaseEvent[] | undefined) ?? []);

/** The case's rules as written, defaulted exactly as a spec's behavior is. */
function behaviorOf(
  up: CaseRules | null,
  down: CaseRules | null,
): NonNullable<ReturnType<typeof effectiveBehavior>> {
  const spec = defaultSpec();
  const behavior = effectiveBehavior({
    hpa: spec.hpa,
    behavior: { scaleUp: toRules(up), scaleDown: toRules(down) },
  });
  if (behavior === null) throw new Error('a behavior block always has effective rules');
  return behavior;
}

function legacyStabilize(input: Input): Actual {
  const r = stabilizeRecommendation({
    desired: num(input, 'prenormalized_desired_replicas'),
    recommendations: recs(input),
    windowSeconds: num(input, 'downscale_stabilization_window_s'),
    now,
  });
  return {
    stabilized_replicas: r.replicas,
    recommendations_length_after: r.recommendations.length,
  };
}

function behaviorStabilize(input: Input): Actual {
  const r = stabilizeRecommendationWithBehaviors({
    current: num(input, 'current_replicas'),
    desired: num(input, 'prenormalized_desired_replicas'),
    upWindowSeconds: num(input, 'scale_up_stabilization_window_s'),
    downWindowSeconds: num(input, 'scale_down_stabilization_window_s'),
    recommendations: recs(input),
    now,
  });
  return {
    stabilized_replicas: r.replicas,
    recommendations_after: r.recommendations.map((x) => x.replicas),
  };
}

function behaviorRate(input: Input): Actual {
  const b = behaviorOf(
    input['scale_up_rules'] as CaseRules | null,
    input['scale_down_rules'] as CaseRules | null,
  );
  const r = convertDesiredReplicasWithBehaviorRate({
    current: num(input, 'current_replicas'),
    desired: num(input, 'desired_replicas'),
    minReplicas: num(input, 'min_replicas'),
    maxReplicas: num(input, 'max_replicas'),
    scaleUp: b.scaleUp,
    scaleDown: b.scaleDown,
    scaleUpEvents: events(input, 'scale_up_events'),
    scaleDownEvents: events(input, 'scale_down_events'),
    now,
  });
  return { replicas: r.replicas, limiting_reason: r.reason.code };
}

function limit(input: Input, direction: 'up' | 'down'): Actual {
  const rules = input['rules'] as CaseRules;
  const b =
    direction === 'up' ? behaviorOf(rules, null).scaleUp : behaviorOf(null, rules).scaleDown;
  const args = {
    current: num(input, 'current_replicas'),
    rules: b,
    scaleUpEvents: events(input, 'scale_up_events'),
    scaleDownEvents: events(input, 'scale_down_events'),
    now,
  };
  return { limit: direction === 'up' ? scaleUpLimit(args) : scaleDownLimit(args) };
}

function legacyClamp(input: Input): Actual {
  const r = convertDesiredReplicasWithRules({
    current: num(input, 'current_replicas'),
    desired: num(input, 'desired_replicas'),
    minReplicas: num(input, 'min_replicas'),
    maxReplicas: num(input, 'max_replicas'),
    scaleUpLimitFactor: num(input, 'scale_up_limit_factor'),
    scaleUpLimitMinimum: num(input, 'scale_up_limit_minimum'),
  });
  return { replicas: r.replicas, limiting_reason: r.reason.code };
}

/** One direction of the stored-events case: the events live in that direction's list. */
function storeOnce(input: Input, direction: 'up' | 'down'): Actual {
  const rules = input['rules'] as CaseRules | null;
  const stored = events(input, 'stored_events');
  const b =
    rules === null ? null : direction === 'up' ? behaviorOf(rules, null) : behaviorOf(null, rules);
  const previous = num(input, 'previous_replicas');
  const change = num(input, 'replica_change');
  const before = replicasChangePerPeriod(60, stored, now);
  const after = recordScaleEvent({
    events:
      direction === 'up'
        ? { scaleUpEvents: stored, scaleDownEvents: [] }
        : { scaleUpEvents: [], scaleDownEvents: stored },
    policies: b === null ? null : { up: b.scaleUp.policies, down: b.scaleDown.policies },
    previous,
    next: direction === 'up' ? previous + change : previous - change,
    now,
  });
  const list = direction === 'up' ? after.scaleUpEvents : after.scaleDownEvents;
  const original = new Set(stored.map((e) => e.timestamp));
  return {
    replicas_change_in_last_60s_before_store: before,
    stored_events_after: list.map((e) => ({
      replica_change: e.change,
      timestamp_s:
        e.timestamp !== now && original.has(e.timestamp)
          ? 'unchanged'
          : relativeSeconds(e.timestamp),
      outdated: e.outdated,
    })),
  };
}

/** Runs one behavior case; the stored-events case returns both directions' results. */
export function runBehaviorCase(fn: string, input: Input): Actual | { up: Actual; down: Actual } {
  switch (fn) {
    case 'stabilizeRecommendation':
      return legacyStabilize(input);
    case 'stabilizeRecommendationWithBehaviors':
      return behaviorStabilize(input);
    case 'convertDesiredReplicasWithBehaviorRate':
      return behaviorRate(input);
    case 'calculateScaleUpLimitWithScalingRules':
      return limit(input, 'up');
    case 'calculateScaleDownLimitWithBehaviors':
      return limit(input, 'down');
    case 'convertDesiredReplicasWithRules':
      return legacyClamp(input);
    case 'storeScaleEvent+getReplicasChangePerPeriod':
      return { up: storeOnce(input, 'up'), down: storeOnce(input, 'down') };
    default:
      throw new Error(`function = "${fn}", not an HPA behavior function`);
  }
}
