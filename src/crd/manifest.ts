/**
 * A spec as written for `tide run` or a backtest, turned into the ElasticScaler object that
 * `kubectl apply` takes: its `name` becomes `metadata.name`, the rest is the `spec` unchanged.
 *
 * @module
 */
import { CRD_GROUP, CRD_KIND, CRD_VERSION } from './crd.js';

export interface ElasticScalerObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec: Readonly<Record<string, unknown>>;
}

export interface ManifestOptions {
  /** The name when the spec has none. */
  readonly name: string;
  readonly namespace?: string;
}

export function toElasticScaler(
  spec: Readonly<Record<string, unknown>>,
  options: ManifestOptions,
): ElasticScalerObject {
  const { name, ...rest } = spec;
  const metadata = {
    name: typeof name === 'string' ? name : options.name,
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
  };
  return { apiVersion: `${CRD_GROUP}/${CRD_VERSION}`, kind: CRD_KIND, metadata, spec: rest };
}

/** True when the spec can be an ElasticScaler's: a Kubernetes target in its namespace, or none. */
export function hasKubernetesTarget(spec: Readonly<Record<string, unknown>>): boolean {
  const target = spec.target;
  if (target === undefined) return true;
  return (
    typeof target === 'object' &&
    target !== null &&
    !('process' in target) &&
    !('namespace' in target)
  );
}
