/**
 * The contract every source passes against its real server (`test/integration/<source>.test.ts`).
 *
 * The source under test talks to the server through a local TCP proxy (`TcpProxy`), so the suite
 * can make the server slow (delay every byte) or stop it (refuse and cut every connection) and
 * bring it back, without restarting the real server. The suite checks that:
 *  1. the value read follows the server's state as the test changes it;
 *  2. reads reuse the connection (the proxy counts accepted connections);
 *  3. a slow server gives a retryable `Timeout` error within the timeout;
 *  4. a stopped server gives a retryable error, and the source recovers when it is back;
 *  5. bad credentials give a non-retryable error whose message and cause chain never contain
 *     the secret;
 *  6. a bad query gives a non-retryable error that names the query;
 *  7. `close()` releases every connection.
 *
 * @module
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSourceError, type Reading, type Source } from './source.js';

// ---------------------------------------------------------------------------------------------
// A TCP proxy that can be slowed down and stopped
// ---------------------------------------------------------------------------------------------

export interface TcpProxyOptions {
  /** Where to connect, asked at each new connection. */
  readonly target: () => { readonly host: string; readonly port: number };
  /** The port to listen on; default: any free port. */
  readonly port?: number;
}

export class TcpProxy {
  readonly #options: TcpProxyOptions;
  readonly #sockets = new Set<net.Socket>();
  #server: net.Server | null = null;
  #port = 0;
  #delayMs = 0;
  /** Connections accepted since start (or the last `resetCount`). */
  accepted = 0;

  constructor(options: TcpProxyOptions) {
    this.#options = options;
    this.#port = options.port ?? 0;
  }

  get port(): number {
    return this.#port;
  }

  get open(): number {
    return this.#sockets.size / 2;
  }

  /** Delays every chunk from the server to the client by `ms`. */
  setDelay(ms: number): void {
    this.#delayMs = ms;
  }

  resetCount(): void {
    this.accepted = 0;
  }

  /** Listens (again, on the same port after a stop). */
  async start(): Promise<number> {
    const server = net.createServer((client) => this.#pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.#port = (server.address() as net.AddressInfo).port;
    return this.#port;
  }

  /** Stops listening and cuts every open connection: to the client, the server is gone. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #pipe(client: net.Socket): void {
    this.accepted += 1;
    const { host, port } = this.#options.target();
    const upstream = net.connect(port, host);
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (this.#delayMs === 0) client.write(chunk);
      else setTimeout(() => client.writable && client.write(chunk), this.#delayMs);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------

/** Where a source under test connects: the proxy in front of the real server. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface SourceContract {
  /** Shown in test names: `redis list`. */
  readonly name: string;
  /** The real server (a function when its address is known only once the suite runs). */
  readonly server: Endpoint | (() => Endpoint);
  /** A correctly configured source talking to `endpoint`, with the given read timeout. */
  readonly create: (endpoint: Endpoint, options: { readonly timeoutMs: number }) => Source;
  /** Puts the server in a state where the source should read `value`. */
  readonly setValue: (value: number) => Promise<void>;
  /** Values the suite sets and reads back, in order (default 3, 7, 0). */
  readonly values?: readonly number[];
  /** The number a reading stands for (default: the sum of `valuesMilli` / 1000). */
  readonly numberOf?: (reading: Reading) => number;
  /** The same source with wrong credentials; `secret` is the wrong password it sends. */
  readonly badCredentials: {
    readonly secret: string;
    readonly create: (endpoint: Endpoint) => Source;
  };
  /** The same source with a query the server rejects; `query` must appear in the message. */
  readonly badQuery: { readonly query: string; readonly create: (endpoint: Endpoint) => Source };
  /**
   * The proxy's port, when the server must know it in advance (a Kafka broker advertises it in
   * its metadata, and clients then connect to it directly); default: any free port.
   */
  readonly proxyPort?: number;
  /** Most connections N reads may open (default 1: a reused connection). */
  readonly maxConnections?: number;
  /** Runs once before the suite (e.g. create the queue), once after. */
  readonly setUp?: () => Promise<void>;
  readonly tearDown?: () => Promise<void>;
}

const defaultValueOf = (r: Reading): number =>
  (r.valuesMilli ?? []).reduce((a, b) => a + b, 0) / 1000;

async function readError(source: Source): Promise<unknown> {
  try {
    const reading = await source.read(new AbortController().signal);
    return new Error(`expected the read to fail, got ${JSON.stringify(reading)}`);
  } catch (e) {
    return e;
  }
}

/** Every message and code along an error's cause chain, joined: where a secret must not be. */
export function errorChainText(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 10 && cur !== undefined && cur !== null; i++) {
    parts.push(cur instanceof Error ? `${cur.name}: ${cur.message}` : JSON.stringify(cur));
    parts.push(JSON.stringify(cur, Object.getOwnPropertyNames(cur)));
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join('\n');
}

const never = new AbortController().signal;

export function runSourceContract(contract: SourceContract): void {
  const valueOf = contract.numberOf ?? defaultValueOf;
  const timeoutMs = 1000;

  describe(`${contract.name} source contract`, () => {
    const { server } = contract;
    const proxy = new TcpProxy({
      target: typeof server === 'function' ? server : () => server,
      ...(contract.proxyPort === undefined ? {} : { port: contract.proxyPort }),
    });
    const endpoint = (): Endpoint => ({ host: '127.0.0.1', port: proxy.port });
    const opened: Source[] = [];
    const open = (source: Source): Source => {
      opened.push(source);
      return source;
    };

    beforeAll(async () => {
      await proxy.start();
      await contract.setUp?.();
    });
    afterAll(async () => {
      for (const s of opened) await s.close();
      await proxy.stop();
      await contract.tearDown?.();
    });

    it('reads the value the server holds, following its changes, on one connection', async () => {
      const source = open(contract.create(endpoint(), { timeoutMs: 10_000 }));
      proxy.resetCount();
      for (const value of contract.values ?? [3, 7, 0]) {
        await contract.setValue(value);
        const reading = await source.read(never);
        expect(valueOf(reading)).toBe(value);
        expect(reading.timestamp).toBeGreaterThan(Date.UTC(2020, 0, 1));
      }
      expect(proxy.accepted).toBeGreaterThan(0);
      expect(proxy.accepted).toBeLessThanOrEqual(contract.maxConnections ?? 1);
    });

    it('fails with a retryable Timeout when the server is slow, and recovers', async () => {
      const source = open(contract.create(endpoint(), { timeoutMs }));
      await contract.setValue(5);
      expect(valueOf(await source.read(never))).toBe(5);
      proxy.setDelay(timeoutMs * 2.5);
      const started = Date.now();
      const error = await readError(source);
      const elapsed = Date.now() - started;
      proxy.setDelay(0);
      expect(isSourceError(error), String(error)).toBe(true);
      expect(error).toMatchObject({ code: 'Timeout', retryable: true });
      expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 50);
      expect(elapsed).toBeLessThan(timeoutMs + 1000);
      // The late answer of the timed-out read must not be taken for the next one.
      await new Promise((resolve) => setTimeout(resolve, timeoutMs * 2.5));
      await contract.setValue(6);
      expect(valueOf(await readEventually(source))).toBe(6);
    });

    it('fails with a retryable error when the server is stopped, and recovers', async () => {
      const source = open(contract.create(endpoint(), { timeoutMs }));
      await contract.setValue(4);
      expect(valueOf(await source.read(never))).toBe(4);
      await proxy.stop();
      const error = await readError(source);
      expect(isSourceError(error), String(error)).toBe(true);
      expect(error).toMatchObject({ retryable: true });
      expect((error as Error).message).toMatch(/\S/);
      await proxy.start();
      await contract.setValue(8);
      expect(valueOf(await readEventually(source))).toBe(8);
    });

    const bad = contract.badCredentials;
    it('fails with a non-retryable error on bad credentials, never showing the secret', async () => {
      const source = open(bad.create(endpoint()));
      const error = await readError(source);
      expect(isSourceError(error), String(error)).toBe(true);
      expect(error).toMatchObject({ code: 'Unauthorized', retryable: false });
      expect(errorChainText(error)).not.toContain(bad.secret);
    });

    it('fails with a non-retryable error that names a bad query', async () => {
      const source = open(contract.badQuery.create(endpoint()));
      const error = await readError(source);
      expect(isSourceError(error), String(error)).toBe(true);
      expect(error).toMatchObject({ retryable: false });
      expect((error as Error).message).toContain(contract.badQuery.query);
    });

    it('closes its connections on close()', async () => {
      for (const s of opened.splice(0)) await s.close();
      await contract.setValue(2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Connections the test's own admin client holds through the proxy stay open.
      const baseline = proxy.open;
      const source = contract.create(endpoint(), { timeoutMs: 10_000 });
      expect(valueOf(await source.read(never))).toBe(2);
      expect(proxy.open).toBeGreaterThan(baseline);
      await source.close();
      await waitFor(() => proxy.open === baseline, 3000);
      expect(proxy.open).toBe(baseline);
    });
  });
}

/** After a failure a client may need one read to notice its connection is gone. */
async function readEventually(source: Source): Promise<Reading> {
  let last: unknown;
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      return await source.read(never);
    } catch (e) {
      last = e;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  throw last;
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
