/**
 * KEDA's pause and activation annotations on a ScaledObject. A boolean annotation whose value does
 * not parse as a boolean (Go's strconv.ParseBool) counts as true.
 *
 * @module
 */

export const annotationNames = {
  paused: 'autoscaling.keda.sh/paused',
  pausedReplicas: 'autoscaling.keda.sh/paused-replicas',
  pausedScaleIn: 'autoscaling.keda.sh/paused-scale-in',
  pausedScaleOut: 'autoscaling.keda.sh/paused-scale-out',
  forceActivation: 'autoscaling.keda.sh/force-activation',
} as const;

export type Annotations = Readonly<Record<string, string>>;

const falseValues = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/** A boolean annotation: absent → false; a value that is not a Go false literal → true. */
export function annotationFlag(annotations: Annotations | null, name: string): boolean {
  const value = annotations?.[name];
  if (value === undefined) return false;
  return !falseValues.has(value);
}

/** The executor must not act: `paused` is true or `paused-replicas` is present (any value). */
export function isPaused(annotations: Annotations | null): boolean {
  return (
    annotationFlag(annotations, annotationNames.paused) ||
    annotations?.[annotationNames.pausedReplicas] !== undefined
  );
}
