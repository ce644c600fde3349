/**
 * Tide's HTTP endpoint: `/metrics` (Prometheus exposition), `/healthz` (the process serves) and
 * `/readyz` (every scaler has decided at least once since start). GET and HEAD only.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TideMetrics } from './metrics.js';

export interface ServerOptions {
  readonly metrics: TideMetrics;
  /** Null when ready; else why not, for `/readyz`'s body. */
  readonly notReady: () => string | null;
}

export class TideServer {
  readonly #options: ServerOptions;
  #server: Server | null = null;

  constructor(options: ServerOptions) {
    this.#options = options;
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
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      text(res, 405, `${req.method ?? '?'} not allowed: GET or HEAD\n`, { allow: 'GET, HEAD' });
      return;
    }
    if (path === '/metrics') {
      const { contentType, body } = await this.#options.metrics.expose();
      res.writeHead(200, { 'content-type': contentType });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (path === '/healthz') return text(res, 200, 'ok\n');
    if (path === '/readyz') {
      const why = this.#options.notReady();
      return why === null ? text(res, 200, 'ok\n') : text(res, 503, `not ready: ${why}\n`);
    }
    text(res, 404, `no such path ${JSON.stringify(path)}: /metrics, /healthz, /readyz\n`);
  }
}

function text(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}
