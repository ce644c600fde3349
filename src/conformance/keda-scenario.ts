/**
 * KEDA e2e steady-state scenarios (FORMAT-KEDA.md §15): Tide's decide, run repeatedly with the
 * case's trigger values until the replica count settles.
 *
 * @module
 */

export interface ScenarioInput {
  readonly scaled_object: unknown;
  readonly replicas_before: number;
  readonly trigger_values: readonly (number | 'failing')[];
}

/** Runs one scenario to its steady state. */
export function runKedaScenario(_input: ScenarioInput): { replicas: number | null } {
  throw new Error(
    'decide() is not on this branch yet: scenarios need src/core/decide.ts from main',
  );
}
