/**
 * The process pool's HTTP reverse proxy (node:http only): one address in front of the replicas.
 *
 * - Each request goes to the ready replica with the fewest requests in flight
 *   (`least-outstanding.ts`), over a keep-alive agent per replica; bodies are streamed both ways.
 * - While no replica is ready, requests wait (up to `queueTimeoutMs`, then 503), as Knative's
 *   activator buffers them, and count as load.
 * - A draining replica gets no new request; `drain(name)` waits for its in-flight ones.
 * - A bodiless idempotent request (GET, HEAD, OPTIONS) whose replica fails before answering (it
 *   was killed, or closed a kept-alive socket) is retried once on another ready replica.
 * - It measures what the `proxy` metric source reads, as Knative's queue-proxy does for the KPA:
 *   per replica the requests in flight integrated over time (concurrency), the completed requests
 *   and their total latency; counters only grow, so readers take differences (as with Prometheus).
 *
 * @module
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { leastOutstanding } from './least-outstanding.js';

/** One replica's counters since `since` (epoch ms); they only grow. */
export interface BackendStats {
  readonly name: string;
  readonly ready: boolean;
  /** Epoch ms when the proxy started counting for this replica. */
  readonly since: number;
  readonly inFlight: number;
  /** Requests answered (or failed) by this replica. */
  readonly requestsTotal: number;
  /** ∫ requests in flight dt, in request·ms: its difference over Δt ms is the mean concurrency. */
  readonly concurrencyMsTotal: number;
  /** Sum of the answered requests' latencies (first byte in to last byte out), ms. */
  readonly latencyMsTotal: number;
}

/** A snapshot of every counter, taken at `timestamp` (epoch ms). */
export interface ProxyStats {
  readonly timestamp: number;
  /** Epoch ms when the proxy started counting. */
  readonly since: number;
  /** Every request the proxy received, whatever became of it. */
  readonly requestsTotal: number;
  /** Requests answered with a 5xx by the proxy itself (no ready replica, replica failed). */
  readonly proxyErrorsTotal: number;
  /** Requests waiting for a ready replica now. */
  readonly waiting: number;
  /** ∫ waiting requests dt, in request·ms (load no replica carries yet). */
  readonly waitingMsTotal: number;
  readonly replicas: readonly BackendStats[];
}

export interface ProxyOptions {
  /** How long a request may wait for a ready replica before a 503. */
  readonly queueTimeoutMs: number;
  /** Epoch ms; default Date.now. */
  readonly now?: () => number;
}

/** A time integral of a count that changes by steps (in-flight or waiting requests). */
class Integral {
  count = 0;
  totalMs = 0;
  #at: number;

  constructor(now: number) {
    this.#at = now;
  }

  add(delta: number, now: number): void {
    this.totalMs += this.count * (now - this.#at);
    this.#at = now;
    this.count += delta;
  }

  /** The total up to `now`, without changing anything. */
  at(now: number): number {
    return this.totalMs + this.count * (now - this.#at);
  }
}

interface Backend {
  readonly name: string;
  readonly port: number;
  readonly agent: http.Agent;
  readonly since: number;
  readonly inFlight: Integral;
  ready: boolean;
  draining: boolean;
  requestsTotal: number;
  latencyMsTotal: number;
  /** Resolved when inFlight drops to 0 while draining. */
  idle: (() => void) | null;
}

interface Waiter {
  readonly take: (backend: Backend) => void;
  readonly timer: NodeJS.Timeout;
}

/** RFC 9110 §7.6.1 hop-by-hop headers: never forwarded. */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The end-to-end headers of a message (drops hop-by-hop ones and those `Connection` names). */
export function endToEndHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: http.OutgoingHttpHeaders = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(key) && !named.has(key)) out[key] = value;
  }
  return out;
}

const retryableMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A request the proxy may send again: idempotent and without a body. */
function replayable(req: http.IncomingMessage): boolean {
  const length = req.headers['content-length'];
  const noBody = (length === undefined || length === '0') && !req.headers['transfer-encoding'];
  return retryableMethods.has(req.method ?? '') && noBody;
}

function plainResponse(res: http.ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(`${text}\n`);
}

export class ReverseProxy {
  readonly #options: ProxyOptions;
  readonly #now: () => number;
  readonly #server: http.Server;
  readonly #backends = new Map<string, Backend>();
  readonly #waiting: Waiter[] = [];
  readonly #waitingIntegral: Integral;
  readonly #since: number;
  #cursor = 0;
  #requestsTotal = 0;
  #proxyErrorsTotal = 0;

  constructor(options: ProxyOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#since = this.#now();
    this.#waitingIntegral = new Integral(this.#since);
    this.#server = http.createServer((req, res) => this.#handle(req, res));
    // Clients keep connections open between requests; answer their next request promptly.
    this.#server.keepAliveTimeout = 5000;
  }

  /** Listens on host:port; resolves with the bound address, rejects (EADDRINUSE …) otherwise. */
  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.#server.once('error', onError);
      this.#server.listen(port, host, () => {
        this.#server.off('error', onError);
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  /** Adds a replica listening on 127.0.0.1:port; it takes no traffic until `setReady(name, true)`. */
  add(name: string, port: number): void {
    const now = this.#now();
    this.#backends.set(name, {
      name,
      port,
      agent: new http.Agent({ keepAlive: true, maxSockets: Infinity }),
      since: now,
      inFlight: new Integral(now),
      ready: false,
      draining: false,
      requestsTotal: 0,
      latencyMsTotal: 0,
      idle: null,
    });
  }

  setReady(name: string, ready: boolean): void {
    const backend = this.#backends.get(name);
    if (backend === undefined || backend.draining) return;
    backend.ready = ready;
    if (ready) this.#serveWaiting();
  }

  /**
   * Stops sending new requests to the replica and waits until it has none in flight, at most
   * `graceMs`; resolves with the requests still in flight then (0 = drained).
   */
  drain(name: string, graceMs: number): Promise<number> {
    const backend = this.#backends.get(name);
    if (backend === undefined) return Promise.resolve(0);
    backend.ready = false;
    backend.draining = true;
    if (backend.inFlight.count === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        backend.idle = null;
        resolve(backend.inFlight.count);
      }, graceMs);
      backend.idle = () => {
        clearTimeout(timer);
        backend.idle = null;
        resolve(0);
      };
    });
  }

  /** Forgets the replica and closes its kept-alive sockets. */
  remove(name: string): void {
    const backend = this.#backends.get(name);
    if (backend === undefined) return;
    this.#backends.delete(name);
    backend.agent.destroy();
  }

  stats(): ProxyStats {
    const now = this.#now();
    return {
      timestamp: now,
      since: this.#since,
      requestsTotal: this.#requestsTotal,
      proxyErrorsTotal: this.#proxyErrorsTotal,
      waiting: this.#waiting.length,
      waitingMsTotal: this.#waitingIntegral.at(now),
      replicas: [...this.#backends.values()].map((b) => ({
        name: b.name,
        ready: b.ready,
        since: b.since,
        inFlight: b.inFlight.count,
        requestsTotal: b.requestsTotal,
        concurrencyMsTotal: b.inFlight.at(now),
        latencyMsTotal: b.latencyMsTotal,
      })),
    };
  }

  /** Stops accepting connections and closes idle ones; requests in flight finish. */
  stopAccepting(): void {
    if (this.#server.listening) this.#server.close();
    this.#server.closeIdleConnections();
  }

  /** Closes the listener and every connection, answers waiting requests with 503. */
  async close(): Promise<void> {
    for (const waiter of this.#waiting.splice(0)) clearTimeout(waiter.timer);
    const closed = new Promise<void>((resolve) => {
      if (!this.#server.listening) resolve();
      else this.#server.close(() => resolve());
    });
    this.#server.closeAllConnections();
    for (const name of [...this.#backends.keys()]) this.remove(name);
    await closed;
  }

  #pick(exclude: Backend | null): Backend | null {
    const ready = [...this.#backends.values()].filter((b) => b.ready && b !== exclude);
    const i = leastOutstanding(
      ready.map((b) => b.inFlight.count),
      this.#cursor++,
    );
    return ready[i] ?? null;
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.#requestsTotal += 1;
    const started = this.#now();
    const backend = this.#pick(null);
    if (backend !== null) {
      this.#forward({ req, res, started, retried: false }, backend);
      return;
    }
    this.#wait({ req, res, started, retried: false });
  }

  #wait(exchange: Exchange): void {
    const waiter: Waiter = {
      take: (backend) => {
        this.#waitingIntegral.add(-1, this.#now());
        this.#forward(exchange, backend);
      },
      timer: setTimeout(() => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        this.#waitingIntegral.add(-1, this.#now());
        this.#fail(exchange.res, 503, `no ready replica within ${this.#options.queueTimeoutMs} ms`);
      }, this.#options.queueTimeoutMs),
    };
    this.#waiting.push(waiter);
    this.#waitingIntegral.add(1, this.#now());
    exchange.res.once('close', () => {
      const at = this.#waiting.indexOf(waiter);
      if (at < 0) return;
      clearTimeout(waiter.timer);
      this.#waiting.splice(at, 1);
      this.#waitingIntegral.add(-1, this.#now());
    });
  }

  #serveWaiting(): void {
    while (this.#waiting.length > 0) {
      const backend = this.#pick(null);
      if (backend === null) return;
      const waiter = this.#waiting.shift() as Waiter;
      clearTimeout(waiter.timer);
      waiter.take(backend);
    }
  }

  #fail(res: http.ServerResponse, status: number, text: string): void {
    this.#proxyErrorsTotal += 1;
    plainResponse(res, status, text);
  }

  #forward(exchange: Exchange, backend: Backend): void {
    const { req, res } = exchange;
    backend.inFlight.add(1, this.#now());
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const now = this.#now();
      backend.inFlight.add(-1, now);
      backend.requestsTotal += 1;
      backend.latencyMsTotal += now - exchange.started;
      if (backend.inFlight.count === 0) backend.idle?.();
    };
    const upstream = http.request({
      host: '127.0.0.1',
      port: backend.port,
      method: req.method,
      path: req.url,
      headers: forwardedHeaders(req),
      agent: backend.agent,
    });
    upstream.on('response', (answer) => {
      res.writeHead(
        answer.statusCode ?? 502,
        answer.statusMessage,
        endToEndHeaders(answer.headers),
      );
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', (error) => {
      if (released) return;
      release();
      this.#upstreamFailed(exchange, backend, error);
    });
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
      release();
    });
    // A retried request has no body, and its stream has ended already.
    if (req.readableEnded) upstream.end();
    else req.pipe(upstream);
  }

  #upstreamFailed(exchange: Exchange, backend: Backend, error: Error): void {
    const { req, res } = exchange;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const other = !exchange.retried && replayable(req) ? this.#pick(backend) : null;
    if (other !== null) {
      this.#forward({ ...exchange, retried: true }, other);
      return;
    }
    this.#fail(res, 502, `replica ${backend.name} failed: ${error.message}`);
  }
}

interface Exchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  /** Epoch ms when the proxy received the request. */
  readonly started: number;
  readonly retried: boolean;
}

/** The request's end-to-end headers plus X-Forwarded-For, -Host and -Proto. */
function forwardedHeaders(req: http.IncomingMessage): http.OutgoingHttpHeaders {
  const headers = endToEndHeaders(req.headers);
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior === undefined ? client : `${String(prior)}, ${client}`;
  if (req.headers.host !== undefined) headers['x-forwarded-host'] ??= req.headers.host;
  headers['x-forwarded-proto'] ??= 'http';
  return headers;
}
