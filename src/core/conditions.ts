/**
 * HPA-style status conditions (AbleToScale, ScalingActive, ScalingLimited). Setting a condition
 * replaces the one of the same type in place, or appends it, so the order is the order in which
 * each type was first set, as upstream's `setCondition` keeps it.
 *
 * @module
 */
import type { Condition } from './model.js';

export function setCondition(list: readonly Condition[], condition: Condition): Condition[] {
  const index = list.findIndex((c) => c.type === condition.type);
  if (index < 0) return [...list, condition];
  const next = list.slice();
  next[index] = condition;
  return next;
}

export function condition(
  type: string,
  status: boolean,
  reason: string,
  message: string,
): Condition {
  return { type, status: status ? 'True' : 'False', reason, message };
}
