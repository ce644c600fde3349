/**
 * A small JSON-over-HTTP client for the HTTP-based sources (prometheus, http, rabbitmq's
 * management API, the Kubernetes APIs): one keep-alive agent per client, so connections are
 * reused across reads and closed by `close()`. A source owns its client, unless its deps carry a
 * shared one (`SourceDeps.http`): the controller's thousand scalers then reuse one pool of
 * connections per server instead of holding one each (Prometheus accepts 512 connections by
 * default; a thousand idle ones made the rest wait).
 *
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import { wrapError, type ErrorContext } from './source.js';

export interface HttpResponse {
  readonly status: number;
  readonly text: string;
}

export interface HttpRequest {
  readonly url: URL;
  readonly signal: AbortSignal;
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra TLS options (client certificates, CA) for https URLs. */
  readonly tls?: https.RequestOptions;
}

const maxBodyBytes = 16 * 1024 * 1024;

export class HttpClient {
  readonly #http: http.Agent;
  readonly #https: https.Agent;

  /** `maxSockets`: connections per server at once (default 4, one source's reads). */
  constructor(options: { readonly maxSockets?: number } = {}) {
    const maxSockets = options.maxSockets ?? 4;
    this.#http = new http.Agent({ keepAlive: true, maxSockets });
    this.#https = new https.Agent({ keepAlive: true, maxSockets });
  }

  /** Sends a GET; resolves with any status, rejects on network failure or abort. */
  get(req: HttpRequest): Promise<HttpResponse> {
    const secure = req.url.protocol === 'https:';
    const send = secure ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const request = send(
        req.url,
        {
          method: 'GET',
          agent: secure ? this.#https : this.#http,
          headers: { accept: 'application/json', ...req.headers },
          signal: req.signal,
          ...(secure ? req.tls : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBodyBytes)
              res.destroy(new Error(`response larger than ${maxBodyBytes} bytes`));
            else chunks.push(chunk);
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end();
    });
  }

  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}

/** Maps an HTTP status to an error code: auth → Unauthorized, 4xx → BadQuery, 5xx → Unavailable. */
export function statusCode(status: number): 'Unauthorized' | 'BadQuery' | 'Unavailable' {
  if (status === 401 || status === 403) return 'Unauthorized';
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return 'BadQuery';
  return 'Unavailable';
}

/** GET a URL and parse its JSON body; every failure becomes a redacted SourceError. */
export async function getJson(
  client: HttpClient,
  req: HttpRequest,
  ctx: ErrorContext,
): Promise<unknown> {
  let res: HttpResponse;
  try {
    res = await client.get(req);
  } catch (e) {
    throw wrapError(e, 'Unavailable', ctx);
  }
  if (res.status < 200 || res.status >= 300) {
    const body = res.text.length > 300 ? `${res.text.slice(0, 300)}...` : res.text;
    throw wrapError(new Error(`HTTP ${res.status}: ${body.trim()}`), statusCode(res.status), ctx);
  }
  try {
    return JSON.parse(res.text) as unknown;
  } catch (e) {
    throw wrapError(e, 'BadValue', { ...ctx, doing: `${ctx.doing}: parsing the JSON body` });
  }
}

/** `Authorization` headers from a bearer token or basic credentials (already resolved). */
export function authHeaders(auth: {
  readonly bearer?: string | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}): Record<string, string> {
  if (auth.bearer !== undefined) return { authorization: `Bearer ${auth.bearer}` };
  if (auth.username !== undefined) {
    const basic = Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64');
    return { authorization: `Basic ${basic}` };
  }
  return {};
}
