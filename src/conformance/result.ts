/**
 * Conformance: running upstream autoscalers' own test cases (`autoscaler-anchor-cases/v1`,
 * see ../shared/conformance/FORMAT.md) through Tide's engine, and comparing only the asserted
 * fields.
 *
 * @module
 */

export type CaseStatus = 'pass' | 'fail' | 'not-applicable';

export interface CaseResult {
  readonly id: string;
  /** The case group in the file (`controller`, `behavior`, `autoscaler`, `fallback`, ...). */
  readonly group: string;
  readonly status: CaseStatus;
  /** The upstream table entry never ran upstream (`upstream_skipped`): reported apart. */
  readonly upstreamSkipped: boolean;
  /** The case only runs upstream under a condition (KEDA `upstream_condition`): reported apart. */
  readonly conditional: boolean;
  /** One line per differing field: `path: expected X, got Y`. */
  readonly diff: readonly string[];
  /** Why a case is not applicable, or what went wrong running it. */
  readonly message?: string;
}

/** Runs every case of one parsed case file. */
export type CaseFileRunner = (file: unknown) => CaseResult[];

/**
 * Compares only the fields present in `expected` (recursively); arrays compare element-wise and by
 * length. Numbers compare exactly; a runner that allows a difference (KPA's EBC ±1) checks it itself.
 */
export function diffExpected(expected: unknown, actual: unknown, path = ''): string[] {
  if (Array.isArray(expected)) return diffArray(expected, actual, path);
  if (expected !== null && typeof expected === 'object') return diffObject(expected, actual, path);
  return Object.is(expected, actual) ? [] : [mismatch(path, expected, actual)];
}

function mismatch(path: string, expected: unknown, actual: unknown): string {
  return `${path || '(root)'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

function diffObject(expected: object, actual: unknown, path: string): string[] {
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
    return [mismatch(path, expected, actual)];
  }
  return Object.entries(expected).flatMap(([key, value]) =>
    diffExpected(value, (actual as Record<string, unknown>)[key], path ? `${path}.${key}` : key),
  );
}

function diffArray(expected: readonly unknown[], actual: unknown, path: string): string[] {
  if (!Array.isArray(actual) || actual.length !== expected.length) {
    return [mismatch(path, expected, actual)];
  }
  return expected.flatMap((e, i) => diffExpected(e, actual[i] as unknown, `${path}[${i}]`));
}
