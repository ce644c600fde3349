/**
 * The shape every normalization step returns: the replica count after the step and why.
 *
 * @module
 */
import type { Reason } from '../model.js';

export interface StepResult {
  readonly replicas: number;
  readonly reason: Reason;
}

/** Builds a step's Reason; the replica count after the step is recorded with it. */
export function stepReason(step: string, code: string, message: string, replicas: number): Reason {
  return { step, code, message, replicas };
}
