/**
 * What the Kubernetes sources share: a narrow read-only API client (`KubeApi.get(path)`) built
 * from a kubeconfig with `@kubernetes/client-node` (which resolves certificates, tokens and exec
 * plugins), the config keys that pick the cluster, and Kubernetes quantity parsing.
 *
 * @module
 */
import type https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { HttpClient, getJson } from './http-client.js';
import { SourceError, errorText, type SourceDeps } from './source.js';

/** A GET on the API server, resolving with the parsed JSON; rejects with a SourceError. */
export interface KubeApi {
  get(path: string, signal: AbortSignal, doing: string): Promise<unknown>;
  close(): void;
}

/** Config keys choosing the cluster: a kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster). */
export const kubeShape = {
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  namespace: z.string().min(1).default('default'),
};

/** Label selectors are passed to the API server as they are; check only that one is non-empty. */
export const labelSelector = z.string().min(1);

export interface KubeDeps extends SourceDeps {
  /** A ready client (tests, or a controller sharing one); otherwise built from the kubeconfig. */
  readonly kube?: KubeApi;
}

/** Builds a KubeApi from a kubeconfig file, or the default ($KUBECONFIG, ~/.kube/config, in-cluster). */
export function kubeApiFromConfig(options: {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
}): KubeApi {
  const kc = new KubeConfig();
  if (options.kubeconfig === undefined) kc.loadFromDefault();
  else kc.loadFromFile(options.kubeconfig);
  if (options.context !== undefined) kc.setCurrentContext(options.context);
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new SourceError('Config', 'kubeconfig: no current cluster');
  const client = new HttpClient();
  const proxied = cluster.proxyUrl !== undefined && cluster.proxyUrl !== '';
  let auth: Promise<https.RequestOptions> | null = null;
  return {
    get: async (path, signal, doing) => {
      auth ??= applyAuth(kc).then((applied) => tlsOptions(applied, proxied));
      const tls = await auth.catch((e: unknown) => {
        auth = null;
        throw new SourceError('Config', `${doing}: kubeconfig credentials: ${errorText(e, [])}`);
      });
      const headers = (tls.headers ?? {}) as Record<string, string>;
      const secrets = Object.values(headers).map((h) => h.replace(/^(Bearer|Basic) /, ''));
      const url = new URL(path, cluster.server);
      return getJson(client, { url, signal, headers, tls }, { doing, secrets });
    },
    close: () => client.close(),
  };
}

async function applyAuth(kc: KubeConfig): Promise<https.RequestOptions> {
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  return opts;
}

/**
 * The request options to send with every GET: the certificates, key, CA and headers the
 * kubeconfig gave, without the `agent` that `applyToHTTPSOptions` also sets. That agent has no
 * keep-alive, and as a request option it would replace the client's keep-alive agent, so every
 * read would open (and leave to close) a TLS connection of its own; the client's agent pools
 * connections by exactly these TLS options instead. Only a kubeconfig `proxy-url` keeps
 * client-node's agent, which is the one that speaks to the proxy.
 */
export function tlsOptions(applied: https.RequestOptions, proxied: boolean): https.RequestOptions {
  if (proxied) return applied;
  const rest = { ...applied };
  delete rest.agent;
  return rest;
}

/** The client a Kubernetes source uses: the one in deps, or one of its own it then closes. */
export function kubeClient(
  config: { readonly kubeconfig?: string | undefined; readonly context?: string | undefined },
  deps: KubeDeps,
): { readonly api: () => KubeApi; readonly close: () => void } {
  let own: KubeApi | null = null;
  return {
    api: () => deps.kube ?? (own ??= kubeApiFromConfig(config)),
    close: () => {
      own?.close();
      own = null;
    },
  };
}

/** Kubernetes quantities are parsed in core (core/quantity.ts), shared with `tide import`. */
export { quantityMilli } from '../core/quantity.js';
