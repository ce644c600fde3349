/**
 * Tide's HTTP endpoint: `/metrics` (Prometheus exposition), `/healthz` (the process serves),
 * `/readyz` (every scaler has decided at least once since start), and with a board the dashboard
 * (`/`), its JSON (`/api/scalers`, dashboard.ts) and its live feed (`/api/events`: server-sent
 * events, one `tick` event per recorded tick with that scaler's view, a keep-alive comment every
 * `keepAliveMs`, at most `maxEventClients` at once). GET and HEAD only.
 *
 * Access: with a `token`, every path but `/healthz` and `/readyz` needs it, as `Authorization:
 * Bearer <token>` or `?token=<token>` (what a browser can send), compared in constant time.
 * Without one, a server bound to a non-loopback address answers 403 on the dashboard's paths
 * (the decisions and reasons it shows are nobody else's business) and still serves `/metrics`,
 * `/healthz` and `/readyz` for Prometheus and the kubelet, as before.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { uplotAssets } from '../report/uplot.js';
import {
  UPLOT_CSS_PATH,
  UPLOT_JS_PATH,
  renderDashboard,
  type ScalerBoard,
  type ScalerView,
} from './dashboard.js';
import type { TideMetrics } from './metrics.js';

export interface ServerOptions {
  readonly metrics: TideMetrics;
  /** Null when ready; else why not, for `/readyz`'s body. */
  readonly notReady: () => string | null;
  /** The scalers' recent decisions for `/` and `/api/scalers`; without it those are 404. */
  readonly board?: ScalerBoard;
  /** What the runtime says of itself (the controller: identity, leader), on `/` and `/api/scalers`. */
  readonly runtime?: () => Readonly<Record<string, string | boolean>>;
  /** Needed on every path but /healthz and /readyz when set (--dashboard-token). */
  readonly token?: string | undefined;
  /** Between keep-alive comments on `/api/events`; default 15 000. */
  readonly keepAliveMs?: number;
  /** Event-stream clients served at once; more get 503. Default 16. */
  readonly maxEventClients?: number;
}

/** True for 127.0.0.0/8, ::1, ::ffff:127.x and `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Compares in constant time (over equal-length digests, so the length leaks nothing either). */
function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token a request carries: its bearer header, else its `token` query parameter. */
function tokenOf(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  if (header.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  return new URL(req.url ?? '/', 'http://x').searchParams.get('token');
}

/** uPlot's files are the public library's own: served without the dashboard token. */
const OPEN = new Set(['/healthz', '/readyz', UPLOT_JS_PATH, UPLOT_CSS_PATH]);
const DASHBOARD = new Set(['/', '/api/scalers', '/api/events']);

export class TideServer {
  readonly #routes: ReadonlyMap<string, () => Reply | Promise<Reply>>;
  readonly #options: ServerOptions;
  readonly #clients = new Set<ServerResponse>();
  #server: Server | null = null;
  #loopback = true;
  #stopFeed: (() => void) | null = null;

  constructor(options: ServerOptions) {
    this.#options = options;
    this.#routes = routesFor(options);
  }

  /** Listens; resolves with the address bound (port 0 picks a free one). */
  async start(address: { readonly host: string; readonly port: number }): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`internal error: ${(error as Error).message}\n`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
    this.#loopback = isLoopback(address.host);
    this.#startFeed();
    return server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server === null) return;
    this.#stopFeed?.();
    this.#stopFeed = null;
    for (const res of this.#clients) res.end();
    this.#clients.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Sends each recorded tick to the event-stream clients, and keeps their connections alive. */
  #startFeed(): void {
    const { board, keepAliveMs = 15_000 } = this.#options;
    const send = (chunk: string): void => {
      for (const res of this.#clients) res.write(chunk);
    };
    const unsubscribe =
      board?.subscribe((view: ScalerView) =>
        send(`event: tick\ndata: ${JSON.stringify(view)}\n\n`),
      ) ?? (() => undefined);
    const timer = setInterval(() => send(': keep-alive\n\n'), keepAliveMs);
    timer.unref();
    this.#stopFeed = () => {
      unsubscribe();
      clearInterval(timer);
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const denied = this.#denied(req, path);
    if (
      denied === null &&
      path === '/api/events' &&
      req.method === 'GET' &&
      this.#routes.has('/')
    ) {
      this.#subscribe(req, res);
      return;
    }
    const reply = denied ?? (await this.#reply(req.method, path));
    res.writeHead(reply.status, { 'content-type': reply.type, ...reply.headers });
    res.end(req.method === 'HEAD' ? undefined : reply.body);
  }

  /** Null when the request may go on; else the 401 or 403 that says why not. */
  #denied(req: IncomingMessage, path: string): Reply | null {
    const { token } = this.#options;
    if (OPEN.has(path)) return null;
    if (token !== undefined && token !== '') {
      const given = tokenOf(req);
      if (given !== null && sameToken(given, token)) return null;
      return {
        status: 401,
        type: PLAIN,
        body: `${path} needs the dashboard token: Authorization: Bearer <token> or ?token=<token>\n`,
        headers: { 'www-authenticate': 'Bearer' },
      };
    }
    if (this.#loopback || !DASHBOARD.has(path)) return null;
    return {
      status: 403,
      type: PLAIN,
      body: `${path}: the dashboard on a non-loopback address needs a token: set --dashboard-token or TIDE_DASHBOARD_TOKEN\n`,
    };
  }

  /** Opens an event stream, unless `maxEventClients` are already connected. */
  #subscribe(req: IncomingMessage, res: ServerResponse): void {
    if (this.#clients.size >= (this.#options.maxEventClients ?? 16)) {
      res.writeHead(503, { 'content-type': PLAIN, 'retry-after': '30' });
      res.end(`too many event-stream clients (${this.#clients.size}); try again later\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 5000\n: connected\n\n');
    this.#clients.add(res);
    req.socket.setTimeout(0);
    res.on('close', () => this.#clients.delete(res));
  }

  async #reply(method: string | undefined, path: string): Promise<Reply> {
    if (method === 'GET' || method === 'HEAD') return this.#route(path);
    return {
      status: 405,
      type: PLAIN,
      body: `${method ?? '?'} not allowed: GET or HEAD\n`,
      headers: { allow: 'GET, HEAD' },
    };
  }

  async #route(path: string): Promise<Reply> {
    const route = this.#routes.get(path);
    if (route !== undefined) return route();
    const known = [...this.#routes.keys()].join(', ');
    return { status: 404, type: PLAIN, body: `no such path ${JSON.stringify(path)}: ${known}\n` };
  }
}

/** The paths served, built once per server. */
function routesFor(options: ServerOptions): Map<string, () => Reply | Promise<Reply>> {
  const { metrics, notReady, board, runtime } = options;
  const routes = new Map<string, () => Reply | Promise<Reply>>();
  if (board !== undefined) {
    routes.set('/', () => ({
      ...fresh,
      type: HTML,
      body: renderDashboard(board.views(), runtime === undefined ? {} : { runtime: runtime() }),
    }));
    routes.set('/api/scalers', () => ({
      ...fresh,
      type: 'application/json',
      body: `${JSON.stringify({ ...(runtime === undefined ? {} : { runtime: runtime() }), scalers: board.views() })}\n`,
    }));
    // GET is the stream (TideServer.#subscribe); HEAD says what it would be.
    routes.set('/api/events', () => ({
      ...fresh,
      type: 'text/event-stream; charset=utf-8',
      body: '',
    }));
    const cached = { status: 200, headers: { 'cache-control': 'public, max-age=86400' } } as const;
    routes.set(UPLOT_JS_PATH, () => ({
      ...cached,
      type: 'text/javascript; charset=utf-8',
      body: uplotAssets().js,
    }));
    routes.set(UPLOT_CSS_PATH, () => ({
      ...cached,
      type: 'text/css; charset=utf-8',
      body: uplotAssets().css,
    }));
  }
  routes.set('/metrics', async () => {
    const { contentType, body } = await metrics.expose();
    return { status: 200, type: contentType, body };
  });
  routes.set('/healthz', () => ({ status: 200, type: PLAIN, body: 'ok\n' }));
  routes.set('/readyz', () => {
    const why = notReady();
    return why === null
      ? { status: 200, type: PLAIN, body: 'ok\n' }
      : { status: 503, type: PLAIN, body: `not ready: ${why}\n` };
  });
  return routes;
}

interface Reply {
  readonly status: number;
  readonly type: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const PLAIN = 'text/plain; charset=utf-8';
const HTML = 'text/html; charset=utf-8';
/** The dashboard's pages change at every tick. */
const fresh = { status: 200, headers: { 'cache-control': 'no-store' } } as const;
