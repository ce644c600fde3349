/**
 * KEDA's trigger parameters and where they come from: the trigger's metadata (plain text), a
 * `<param>FromEnv` metadata key (a variable of the scale target's container), or the
 * TriggerAuthentication / ClusterTriggerAuthentication the trigger references (`secretTargetRef`,
 * `env`). Secrets become Tide secret references (`{fromFile}` under the secret directory, or
 * `{fromEnv}`), never their values; a secret the ScaledObject holds in plain text is an error.
 *
 * @module
 */
import { asRecord, describeField, note, unsupported, type Sink } from './issues.js';

/** Where one parameter's value comes from. */
export type ParamSource =
  | { readonly from: 'metadata'; readonly value: string }
  | { readonly from: 'env'; readonly name: string; readonly field: string }
  | {
      readonly from: 'secret';
      readonly namespace: string;
      readonly name: string;
      readonly key: string;
      readonly field: string;
    };

/** A Kubernetes Secret key the imported spec reads, and the file Tide reads it from. */
export interface SecretUse {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
  readonly path: string;
}

export interface AuthObjects {
  /** `TriggerAuthentication/<namespace>/<name>` or `ClusterTriggerAuthentication/<name>` → object. */
  readonly byKey: ReadonlyMap<string, Record<string, unknown>>;
  /** Where ClusterTriggerAuthentication Secrets live (KEDA's cluster object namespace). */
  readonly clusterNamespace: string;
}

export const authKey = (kind: string, namespace: string, name: string): string =>
  kind === 'ClusterTriggerAuthentication' ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;

/** Ways of authenticating Tide's sources do not have; any of them set is an error. */
const unsupportedAuth = [
  'podIdentity',
  'configMapTargetRef',
  'filePath',
  'hashiCorpVault',
  'azureKeyVault',
  'gcpSecretManager',
  'awsSecretManager',
  'boundServiceAccountToken',
  'oauth2',
];

interface AuthCtx {
  readonly sink: Sink;
  readonly field: string;
  readonly namespace: string;
  readonly auth: AuthObjects;
}

/** The parameters an authenticationRef provides; null when it cannot be read. */
export function authParams(ref: unknown, ctx: AuthCtx): Map<string, ParamSource> | null {
  const params = new Map<string, ParamSource>();
  if (ref === undefined || ref === null) return params;
  const r = asRecord(ref) ?? {};
  const kind = typeof r.kind === 'string' ? r.kind : 'TriggerAuthentication';
  const name = String(r.name);
  const cluster = kind === 'ClusterTriggerAuthentication';
  const label = `${kind} ${cluster ? name : `${ctx.namespace}/${name}`}`;
  const obj = ctx.auth.byKey.get(authKey(kind, ctx.namespace, name));
  if (obj === undefined) {
    const field = `${ctx.field}.authenticationRef`;
    unsupported(
      ctx.sink,
      field,
      `${describeField(field, ref, `${label} is not among the imported documents`)}; pass its file too`,
    );
    return null;
  }
  const spec = asRecord(obj.spec) ?? {};
  if (!supportedAuth(spec, label, ctx.sink)) return null;
  const namespace = cluster ? ctx.auth.clusterNamespace : ctx.namespace;
  secretRefs(spec.secretTargetRef, { label, namespace }, params);
  envRefs(spec.env, label, params);
  return params;
}

/** Ways of authenticating that Tide's sources lack are errors, each naming its field. */
function supportedAuth(spec: Record<string, unknown>, label: string, sink: Sink): boolean {
  const bad = unsupportedAuth.filter((k) => spec[k] !== undefined && !isNoIdentity(k, spec[k]));
  for (const k of bad) {
    unsupported(
      sink,
      `${label} spec.${k}`,
      `${label}: spec.${k}: Tide's sources take secrets from a file or an environment variable only`,
    );
  }
  return bad.length === 0;
}

/** `podIdentity: {provider: none}` is KEDA's explicit "no identity". */
function isNoIdentity(key: string, value: unknown): boolean {
  return key === 'podIdentity' && asRecord(value)?.provider === 'none';
}

function secretRefs(
  list: unknown,
  at: { readonly label: string; readonly namespace: string },
  params: Map<string, ParamSource>,
): void {
  (Array.isArray(list) ? list : []).forEach((item, i) => {
    const s = asRecord(item) ?? {};
    params.set(String(s.parameter), {
      from: 'secret',
      namespace: at.namespace,
      name: String(s.name),
      key: String(s.key),
      field: `${at.label} spec.secretTargetRef[${i}]`,
    });
  });
}

function envRefs(list: unknown, label: string, params: Map<string, ParamSource>): void {
  (Array.isArray(list) ? list : []).forEach((item, i) => {
    const e = asRecord(item) ?? {};
    params.set(String(e.parameter), {
      from: 'env',
      name: String(e.name),
      field: `${label} spec.env[${i}]`,
    });
  });
}

/** Turns a secret or env parameter into a Tide secret reference, recording what must be mounted. */
export function secretRefOf(
  source: Exclude<ParamSource, { from: 'metadata' }>,
  ctx: { readonly sink: Sink; readonly secretDir: string; readonly secrets: SecretUse[] },
): Record<string, string> {
  if (source.from === 'env') {
    note(
      ctx.sink,
      source.field,
      `${source.field}: KEDA reads ${source.name} from the scale target's container; Tide reads it from its own environment: set ${source.name} on Tide`,
    );
    return { fromEnv: source.name };
  }
  const path = `${ctx.secretDir}/${source.namespace}/${source.name}/${source.key}`;
  if (!ctx.secrets.some((s) => s.path === path)) {
    ctx.secrets.push({ namespace: source.namespace, name: source.name, key: source.key, path });
  }
  return { fromFile: path };
}
