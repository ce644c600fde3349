/**
 * A small REST client for the Kubernetes API server, for what the controller writes and reads
 * outside its informers: `/scale` subresources of any kind, its own status, Events, discovery.
 * Credentials come from a kubeconfig through `@kubernetes/client-node` (certificates, tokens, exec
 * plugins, in-cluster config); requests go over one keep-alive agent, each under a timeout, after
 * an optional rate-limit gate. Failures are `KubeApiError`s with the HTTP status and the API's own
 * reason and message; no message carries a credential.
 *
 * @module
 */
import https from 'node:https';
import http from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

export type KubeMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface KubeRequestOptions {
  readonly body?: unknown;
  /** Default `application/json`; PATCH defaults to a JSON merge patch. */
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  /** What we were doing, for the error message ("patching deployments/web/scale"). */
  readonly doing?: string;
}

/** An API call that failed: `status` 0 = no HTTP answer (network, timeout, aborted). */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    message: string,
    readonly status: number,
    /** The Status object's reason (`NotFound`, `Conflict`, `Forbidden`, ...) or a network code. */
    readonly reason: string,
  ) {
    super(message);
  }

  /** Worth retrying as it is: no answer, 429, 5xx, or a conflict (re-read first). */
  get retryable(): boolean {
    return this.status === 0 || this.status === 409 || this.status === 429 || this.status >= 500;
  }
}

export const isKubeApiError = (e: unknown): e is KubeApiError => e instanceof KubeApiError;
export const isNotFound = (e: unknown): boolean => isKubeApiError(e) && e.status === 404;
export const isConflict = (e: unknown): boolean => isKubeApiError(e) && e.status === 409;

export interface KubeRest {
  request<T = unknown>(method: KubeMethod, path: string, options?: KubeRequestOptions): Promise<T>;
  /** The API server's base URL (for messages). */
  readonly server: string;
  close(): void;
}

export interface KubeRestOptions {
  readonly kubeConfig: KubeConfig;
  readonly timeoutMs?: number;
  /** Awaited before every request (a token bucket limiting the controller's own API calls). */
  readonly gate?: (signal: AbortSignal | undefined) => Promise<void>;
  /** After every request that was sent: its verb, resource (`apiResource`) and HTTP status (0: no answer). */
  readonly onResponse?: (r: ApiResponse) => void;
}

export interface ApiResponse {
  readonly verb: KubeMethod;
  readonly resource: string;
  readonly status: number;
}

/**
 * The resource a request path names, as `apiserver_request_total` labels it, with the
 * subresource: `/apis/apps/v1/namespaces/web/deployments/checkout/scale` → `deployments/scale`,
 * `/api/v1/namespaces/web/pods?labelSelector=app%3Dweb` → `pods`, `/apis/apps/v1` → `discovery`.
 * Names and namespaces never appear (bounded label values).
 */
export function apiResource(path: string): string {
  const parts = (path.split('?')[0] ?? '').split('/').filter((p) => p !== '');
  // /api/v1/... or /apis/group/version/...
  const skip = { api: 2, apis: 3 }[parts[0] ?? ''];
  const rest = skip === undefined ? [] : parts.slice(skip);
  const scoped = rest[0] === 'namespaces' && rest.length > 2 ? rest.slice(2) : rest;
  const [resource, , sub] = scoped;
  if (resource === undefined) return 'discovery';
  return sub === undefined ? resource : `${resource}/${sub}`;
}

const CREDENTIALS_TTL_MS = 60_000;

/** Builds a KubeRest over the kubeconfig's current cluster and user. */
export function createKubeRest(options: KubeRestOptions): KubeRest {
  const kc = options.kubeConfig;
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('kubeconfig: no current cluster');
  const server = cluster.server.replace(/\/$/, '');
  const secure = server.startsWith('https:');
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 32 })
    : new http.Agent({ keepAlive: true, maxSockets: 32 });
  const timeoutMs = options.timeoutMs ?? 10_000;
  let credentials: { at: number; opts: Promise<https.RequestOptions> } | null = null;
  const auth = (): Promise<https.RequestOptions> => {
    const now = Date.now();
    if (credentials === null || now - credentials.at > CREDENTIALS_TTL_MS) {
      const opts: https.RequestOptions = {};
      credentials = { at: now, opts: kc.applyToHTTPSOptions(opts).then(() => opts) };
    }
    return credentials.opts;
  };
  return {
    server,
    close: () => agent.destroy(),
    request: async <T>(method: KubeMethod, path: string, o: KubeRequestOptions = {}) => {
      const doing = o.doing ?? `${method} ${path}`;
      await options.gate?.(o.signal);
      const tls = await auth().catch((e: unknown) => {
        credentials = null;
        throw new KubeApiError(
          `${doing}: kubeconfig credentials: ${(e as Error).message}`,
          0,
          'Credentials',
        );
      });
      const sent = send({ server, path, method, tls, agent, timeoutMs, options: o, doing });
      const { text } = await (options.onResponse === undefined
        ? sent
        : reported(sent, options.onResponse, { verb: method, resource: apiResource(path) }));
      return (text === '' ? undefined : JSON.parse(text)) as T;
    },
  };
}

/** Reports the outcome of a sent request (its status, 0 when no answer came), then passes it on. */
async function reported(
  sent: Promise<Answer>,
  onResponse: (r: ApiResponse) => void,
  r: { readonly verb: KubeMethod; readonly resource: string },
): Promise<Answer> {
  try {
    const answer = await sent;
    onResponse({ ...r, status: answer.status });
    return answer;
  } catch (e) {
    onResponse({ ...r, status: isKubeApiError(e) ? e.status : 0 });
    throw e;
  }
}

interface Send {
  readonly server: string;
  readonly path: string;
  readonly method: KubeMethod;
  readonly tls: https.RequestOptions;
  readonly agent: http.Agent;
  readonly timeoutMs: number;
  readonly options: KubeRequestOptions;
  readonly doing: string;
}

function contentTypeOf(method: KubeMethod, options: KubeRequestOptions): string {
  return (
    options.contentType ??
    (method === 'PATCH' ? 'application/merge-patch+json' : 'application/json')
  );
}

interface Answer {
  readonly status: number;
  readonly text: string;
}

function send(s: Send): Promise<Answer> {
  const url = new URL(s.path, s.server + '/');
  const body = s.options.body === undefined ? undefined : JSON.stringify(s.options.body);
  const headers: Record<string, string> = {
    ...((s.tls.headers ?? {}) as Record<string, string>),
    accept: 'application/json',
  };
  if (body !== undefined) {
    headers['content-type'] = contentTypeOf(s.method, s.options);
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: s.method,
        headers,
        agent: s.agent,
        ca: s.tls.ca,
        cert: s.tls.cert,
        key: s.tls.key,
        rejectUnauthorized: s.tls.rejectUnauthorized ?? true,
        timeout: s.timeoutMs,
        ...(s.options.signal === undefined ? {} : { signal: s.options.signal }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(networkError(s.doing, e)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve({ status, text });
          else reject(statusError(s.doing, status, text));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${s.timeoutMs} ms`)));
    req.on('error', (e) => reject(networkError(s.doing, e)));
    req.end(body);
  });
}

function networkError(doing: string, e: Error): KubeApiError {
  const code = (e as NodeJS.ErrnoException).code ?? e.name;
  return new KubeApiError(`${doing}: ${e.message}`, 0, code);
}

/** The API's Status object names a reason and says what went wrong; use both. */
function statusError(doing: string, status: number, text: string): KubeApiError {
  let reason = `HTTP${status}`;
  let message = text.slice(0, 300);
  try {
    const parsed = JSON.parse(text) as { reason?: unknown; message?: unknown };
    if (typeof parsed.reason === 'string' && parsed.reason !== '') reason = parsed.reason;
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // Not a Status object (a proxy's page): keep the start of the text.
  }
  return new KubeApiError(`${doing}: ${status} ${reason}: ${message}`, status, reason);
}
