/**
 * Kubernetes references as Tide's sources take them: a LabelSelector object as a selector string
 * (`app=web,tier in (a,b)`), and an object's kind as its plural resource
 * (`Ingress` → `ingresses.networking.k8s.io`).
 *
 * @module
 */
import { asRecord } from './issues.js';

interface Requirement {
  readonly key?: unknown;
  readonly operator?: unknown;
  readonly values?: unknown;
}

function requirement(r: Requirement): string | null {
  const key = typeof r.key === 'string' ? r.key : null;
  const values = Array.isArray(r.values) ? r.values.map(String).join(',') : '';
  if (key === null) return null;
  switch (r.operator) {
    case 'In':
      return `${key} in (${values})`;
    case 'NotIn':
      return `${key} notin (${values})`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
    default:
      return null;
  }
}

/** A LabelSelector as a selector string; undefined for none, null when it cannot be read. */
export function selectorString(selector: unknown): string | undefined | null {
  if (selector === undefined || selector === null) return undefined;
  const s = asRecord(selector);
  if (s === undefined) return null;
  const labels = Object.entries(asRecord(s.matchLabels) ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  const expressions = (Array.isArray(s.matchExpressions) ? s.matchExpressions : []).map((e) =>
    requirement(asRecord(e) ?? {}),
  );
  if (expressions.includes(null)) return null;
  const all = [...labels, ...(expressions as string[])];
  return all.length === 0 ? undefined : all.join(',');
}

/** Plurals of the kinds an Object metric usually describes, with their API group. */
const knownResources: Readonly<Record<string, string>> = {
  ConfigMap: 'configmaps',
  CronJob: 'cronjobs.batch',
  DaemonSet: 'daemonsets.apps',
  Deployment: 'deployments.apps',
  Ingress: 'ingresses.networking.k8s.io',
  Job: 'jobs.batch',
  Namespace: 'namespaces',
  Node: 'nodes',
  Pod: 'pods',
  ReplicaSet: 'replicasets.apps',
  Route: 'routes.route.openshift.io',
  Service: 'services',
  StatefulSet: 'statefulsets.apps',
};

/**
 * The plural resource of a kind: from the table, else the English plural of the lowercase kind
 * with the group of `apiVersion` (`guessed: true`, which the import notes).
 */
export function pluralResource(
  kind: string,
  apiVersion: string,
): { readonly resource: string; readonly guessed: boolean } {
  const known = knownResources[kind];
  if (known !== undefined) return { resource: known, guessed: false };
  const lower = kind.toLowerCase();
  const plural = /(s|x|ch|sh)$/.test(lower)
    ? `${lower}es`
    : /[^aeiou]y$/.test(lower)
      ? `${lower.slice(0, -1)}ies`
      : `${lower}s`;
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return { resource: group === '' ? plural : `${plural}.${group}`, guessed: true };
}
