/**
 * Tide's HTTP endpoint: `/metrics` (Prometheus exposition), `/healthz` (the process serves),
 * `/readyz` (every scaler has decided at least once since start), and with a board the dashboard
 * (`/`) and its JSON (`/api/scalers`, dashboard.ts). GET and HEAD only.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderDashboard, type ScalerBoard } from './dashboard.js';
import type { TideMetrics } from './metrics.js';

export interface ServerOptions {
  readonly metrics: TideMetrics;
  /** Null when ready; else why not, for `/readyz`'s body. */
  readonly notReady: () => string | null;
  /** The scalers' recent decisions for `/` and `/api/scalers`; without it those are 404. */
  readonly board?: ScalerBoard;
  /** What the runtime says of itself (the controller: identity, leader), on `/` and `/api/scalers`. */
  readonly runtime?: () => Readonly<Record<string, string | boolean>>;
}

export class TideServer {
  readonly #routes: ReadonlyMap<string, () => Reply | Promise<Reply>>;
  #server: Server | null = null;

  constructor(options: ServerOptions) {
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
    return server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const reply =
      req.method === 'GET' || req.method === 'HEAD'
        ? await this.#route(path)
        : {
            status: 405,
            type: PLAIN,
            body: `${req.method ?? '?'} not allowed: GET or HEAD\n`,
            headers: { allow: 'GET, HEAD' },
          };
    res.writeHead(reply.status, { 'content-type': reply.type, ...reply.headers });
    res.end(req.method === 'HEAD' ? undefined : reply.body);
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
