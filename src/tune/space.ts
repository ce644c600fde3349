/**
 * The policy space `tide tune` searches: a table of ScalerSpec fields and the values tried for
 * each, on top of a base spec that holds the model's timing. Every dimension is a path in the
 * spec's input (what a user writes in YAML), so a renamed or new field is one row here; the unit
 * test checks every row against the spec schema (`parseSpec`), so a row naming a field the schema
 * no longer has fails there, not in a user's run.
 *
 * A point is one index per dimension. A dimension that only matters when another has a given
 * value (`when`: the prediction settings with `prediction.mode: on`) is held at its first value
 * otherwise, so two points that run the same policy are one point.
 *
 * @module
 */
import type { ScalerSpecInput } from '../core/spec.js';

export type SpecPath = readonly (string | number)[];

export interface Dimension {
  /** Where the value goes in the spec input, e.g. ['behavior', 'scaleDown', 'stabilizationWindowSeconds']. */
  readonly path: SpecPath;
  /**
   * The values tried, in order: neighbours in the search are adjacent values. `undefined` leaves
   * the field out (the schema's default).
   */
  readonly values: readonly unknown[];
  /** The dimension matters only while the dimension at `path` holds `value`. */
  readonly when?: { readonly path: SpecPath; readonly value: unknown };
}

/** One index into each dimension's values. */
export type Point = readonly number[];

export interface SpaceContext {
  /** Seconds from asking for a replica to it being ready (the model's, written into the spec). */
  readonly startupSeconds: number;
  /** The policy's sync period (the model's step). */
  readonly syncPeriodSeconds: number;
  /** maxReplicas while searching: far above what the service needs, so no cap decides. */
  readonly maxReplicas: number;
  /** Utilization (percent) up to which the SLO holds: a prediction ceiling worth trying. */
  readonly sloPercent: number;
}

const onlyPredicting = { path: ['prediction', 'mode'], value: 'on' } as const;

/** The search space: every field `tide tune` varies and the values it tries. */
export function tuneSpace(ctx: SpaceContext): readonly Dimension[] {
  return [
    // The first trigger's target: CPU utilization in percent of a replica's capacity.
    { path: ['triggers', 0, 'target', 'value'], values: [50, 55, 60, 65, 70, 75, 80, 85, 90] },
    { path: ['hpa', 'tolerance'], values: [0, 0.05, 0.1, 0.15] },
    {
      path: ['behavior', 'scaleDown', 'stabilizationWindowSeconds'],
      values: [0, 60, 120, 180, 300, 600],
    },
    { path: ['behavior', 'scaleUp', 'stabilizationWindowSeconds'], values: [0, 30, 60] },
    {
      // Slower, upstream's default (max(+100 %, +4 pods) per 15 s), faster.
      path: ['behavior', 'scaleUp', 'policies'],
      values: [
        [
          { type: 'Percent', value: 50, periodSeconds: 15 },
          { type: 'Pods', value: 2, periodSeconds: 15 },
        ],
        undefined,
        [
          { type: 'Percent', value: 200, periodSeconds: 15 },
          { type: 'Pods', value: 8, periodSeconds: 15 },
        ],
      ],
    },
    {
      // Slow, medium, upstream's default (−100 % per 15 s).
      path: ['behavior', 'scaleDown', 'policies'],
      values: [
        [{ type: 'Percent', value: 10, periodSeconds: 60 }],
        [{ type: 'Percent', value: 50, periodSeconds: 60 }],
        undefined,
      ],
    },
    { path: ['prediction', 'mode'], values: ['off', 'on'] },
    { path: ['prediction', 'headroom'], values: ['learned', 'target'], when: onlyPredicting },
    { path: ['prediction', 'costRatio'], values: [1, 1.15, 1.3, 1.6], when: onlyPredicting },
    { path: ['prediction', 'seasonal'], values: [false, true], when: onlyPredicting },
    {
      path: ['prediction', 'ceiling'],
      values: [undefined, ctx.sloPercent],
      when: onlyPredicting,
    },
  ];
}

/** The spec every point starts from: the model's timing, min 1, a CPU trigger. */
export function baseInput(ctx: SpaceContext): ScalerSpecInput {
  return {
    minReplicas: 1,
    maxReplicas: ctx.maxReplicas,
    startupSeconds: ctx.startupSeconds,
    syncPeriodSeconds: ctx.syncPeriodSeconds,
    triggers: [
      {
        name: 'cpu',
        type: 'resource',
        resource: 'cpu',
        target: { type: 'Utilization', value: 70 },
      },
    ],
  };
}

const samePath = (a: SpecPath, b: SpecPath): boolean =>
  a.length === b.length && a.every((p, i) => p === b[i]);

/** Whether dimension `i` matters at `point` (its `when` holds). */
export function isActive(space: readonly Dimension[], point: Point, i: number): boolean {
  const when = space[i]?.when;
  if (when === undefined) return true;
  const j = space.findIndex((d) => samePath(d.path, when.path));
  const other = space[j];
  return other !== undefined && other.values[point[j] ?? 0] === when.value;
}

/** The point with every inactive dimension at its first value (one point per policy). */
export function canonical(space: readonly Dimension[], point: Point): Point {
  return point.map((v, i) => (isActive(space, point, i) ? v : 0));
}

export const pointKey = (point: Point): string => point.join('.');

function setPath(target: Record<string | number, unknown>, path: SpecPath, value: unknown): void {
  let node = target;
  for (const [depth, key] of path.entries()) {
    if (depth === path.length - 1) {
      if (value === undefined) delete node[key];
      else node[key] = structuredClone(value);
      return;
    }
    const next = node[key];
    const child: Record<string | number, unknown> =
      typeof next === 'object' && next !== null
        ? (next as Record<string | number, unknown>)
        : typeof path[depth + 1] === 'number'
          ? ([] as unknown as Record<string | number, unknown>)
          : {};
    node[key] = child;
    node = child;
  }
}

/** The spec input of a point: the base with each active dimension's value set. */
export function specInput(
  space: readonly Dimension[],
  base: ScalerSpecInput,
  point: Point,
): ScalerSpecInput {
  const input = structuredClone(base) as Record<string, unknown>;
  space.forEach((d, i) => {
    if (isActive(space, point, i)) setPath(input, d.path, d.values[point[i] ?? 0]);
  });
  return input;
}

/** The point nearest a spec input: each dimension at the value the input has (else its first). */
export function pointOf(space: readonly Dimension[], input: unknown): Point {
  return canonical(
    space,
    space.map((d) => {
      let node: unknown = input;
      for (const key of d.path) {
        node =
          typeof node === 'object' && node !== null
            ? (node as Record<string | number, unknown>)[key]
            : undefined;
      }
      const i = d.values.findIndex((v) => JSON.stringify(v) === JSON.stringify(node));
      return Math.max(0, i);
    }),
  );
}

/** The active settings of a point, `a.b.c: value` (for tables and the chart's labels). */
export function settings(space: readonly Dimension[], point: Point): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  space.forEach((d, i) => {
    if (!isActive(space, point, i)) return;
    const value = d.values[point[i] ?? 0];
    out[d.path.join('.')] = value === undefined ? 'default' : value;
  });
  return out;
}
