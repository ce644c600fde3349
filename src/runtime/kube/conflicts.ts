/**
 * Refusing to fight: two autoscalers on one target overwrite each other's `/scale` on every sync.
 * A target already scaled by a HorizontalPodAutoscaler, or by an older ElasticScaler, is left
 * alone. Targets match on API group, kind and name in the scaler's namespace (the version does
 * not matter: apps/v1 and apps/v1beta2 name the same Deployment), as KEDA's admission webhook
 * matches them.
 *
 * @module
 */

export interface TargetRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

export interface Owner {
  readonly kind: 'HorizontalPodAutoscaler' | 'ElasticScaler';
  readonly namespace: string;
  readonly name: string;
  readonly target: TargetRef;
  /** Epoch ms; the older of two ElasticScalers keeps the target. */
  readonly createdAt: number;
}

const groupOf = (apiVersion: string): string => {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
};

export const sameTarget = (a: TargetRef, b: TargetRef): boolean =>
  a.name === b.name && a.kind === b.kind && groupOf(a.apiVersion) === groupOf(b.apiVersion);

/**
 * The autoscaler that already owns `scaler`'s target, or null. HPAs always win (Tide never
 * fights the HPA: delete it, or run the ElasticScaler with `dryRun: true` beside it); among
 * ElasticScalers the oldest wins, then the first by name.
 */
export function findOwner(scaler: Owner, others: readonly Owner[]): Owner | null {
  for (const o of others) {
    if (o.namespace !== scaler.namespace || !sameTarget(o.target, scaler.target)) continue;
    if (o.kind === 'HorizontalPodAutoscaler') return o;
    if (o.name === scaler.name) continue;
    const older =
      o.createdAt < scaler.createdAt || (o.createdAt === scaler.createdAt && o.name < scaler.name);
    if (older) return o;
  }
  return null;
}

export function conflictMessage(scaler: Owner, owner: Owner): string {
  const what = `${scaler.target.kind} ${scaler.namespace}/${scaler.target.name}`;
  return owner.kind === 'HorizontalPodAutoscaler'
    ? `${what} is already scaled by HorizontalPodAutoscaler ${owner.name}: Tide will not fight it; delete the HPA to hand the target over, or set dryRun: true to run beside it as a shadow`
    : `${what} is already scaled by ElasticScaler ${owner.name} (older): Tide will not fight it; delete one of the two`;
}
