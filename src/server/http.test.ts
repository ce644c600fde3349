import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../core/decide.js';
import { initialState, type Decision } from '../core/model.js';
import { scalerSpecSchema } from '../core/spec.js';
import { ScalerBoard } from './dashboard.js';
import { isLoopback, TideServer } from './http.js';
import { TideMetrics } from './metrics.js';

const metrics = new TideMetrics({ processMetrics: false });
const t0 = Date.UTC(2024, 0, 1);

/** A decision for 400 req/s at 100 per replica: 4 replicas. */
function fourReplicas(): Decision {
  const spec = scalerSpecSchema.parse({
    triggers: [{ name: 'rps', type: 'prometheus', target: { type: 'AverageValue', value: 100 } }],
    prediction: { mode: 'off' },
  });
  const metric = { status: 'ok', timestamp: t0, valuesMilli: [400_000] } as const;
  const observation = { currentReplicas: 1, pods: [], metrics: { rps: metric } };
  return decide(spec, observation, initialState(), t0);
}
let notReady: string | null = 'no decision yet for web';
const server = new TideServer({ metrics, notReady: () => notReady });
let base = '';

beforeAll(async () => {
  const bound = await server.start({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${bound.port}`;
});
afterAll(() => server.close());

describe('TideServer', () => {
  it('serves the registry on /metrics in the exposition format', async () => {
    const decision = fourReplicas();
    metrics.record({ scaler: 'web', decision, currentReplicas: 1, now: t0, durationSeconds: 0.01 });
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('tide_desired_replicas{scaler="web"} 4');
  });

  it('answers /healthz, and /readyz only once ready', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const waiting = await fetch(`${base}/readyz`);
    expect(waiting.status).toBe(503);
    expect(await waiting.text()).toBe('not ready: no decision yet for web\n');
    notReady = null;
    expect((await fetch(`${base}/readyz?verbose`)).status).toBe(200);
  });

  it.each([
    ['GET', '/nothing', 404, 'no such path "/nothing"'],
    ['POST', '/metrics', 405, 'POST not allowed'],
  ])('%s %s → %i', async (method, path, status, body) => {
    const res = await fetch(`${base}${path}`, { method });
    expect(res.status).toBe(status);
    expect(await res.text()).toContain(body);
  });

  it('says why it cannot listen on a taken port', async () => {
    const other = new TideServer({ metrics, notReady: () => null });
    const port = Number(new URL(base).port);
    await expect(other.start({ host: '127.0.0.1', port })).rejects.toThrow(/EADDRINUSE/);
    await other.close();
  });

  it('serves the dashboard and its JSON when given a board, and lists them on a 404', async () => {
    const board = new ScalerBoard();
    const withBoard = new TideServer({ metrics, notReady: () => null, board });
    const bound = await withBoard.start({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${bound.port}`;
    try {
      expect(await (await fetch(`${url}/`)).text()).toContain('No scaler has decided yet.');
      board.record({ scaler: 'web', decision: fourReplicas(), currentReplicas: 1, now: t0 });
      const page = await fetch(`${url}/`);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(await page.text()).toContain('desired <b class="desired">4</b>');
      const api = (await (await fetch(`${url}/api/scalers`)).json()) as {
        scalers: { name: string; desiredReplicas: number; history: unknown[] }[];
      };
      expect(api.scalers.map((v) => [v.name, v.desiredReplicas, v.history.length])).toEqual([
        ['web', 4, 1],
      ]);
      const missing = await fetch(`${url}/nope`);
      expect(await missing.text()).toContain(
        ': /, /api/scalers, /api/events, /metrics, /healthz, /readyz',
      );
      expect((await fetch(`${url}/`, { method: 'HEAD' })).status).toBe(200);
    } finally {
      await withBoard.close();
    }
  });

  it('streams one tick event per recorded tick, with keep-alives, to a bounded set of clients', async () => {
    const board = new ScalerBoard();
    const live = new TideServer({
      metrics,
      notReady: () => null,
      board,
      keepAliveMs: 50,
      maxEventClients: 1,
    });
    const bound = await live.start({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${bound.port}/api/events`;
    const first = new AbortController();
    try {
      const res = await fetch(url, { signal: first.signal });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const full = await fetch(url);
      expect(full.status).toBe(503);
      expect(await full.text()).toContain('too many event-stream clients (1)');
      board.record({ scaler: 'web', decision: fourReplicas(), currentReplicas: 1, now: t0 });
      // Keep-alives may come before the tick (every 50 ms); read until one follows it.
      const text = await readUntil(res, /event: tick\ndata: .*\n\n[\s\S]*?: keep-alive\n\n/);
      const event = /event: tick\ndata: (.*)\n\n/.exec(text);
      expect(JSON.parse(event?.[1] ?? '{}')).toMatchObject({ name: 'web', desiredReplicas: 4 });
      // The client leaves: its place is free again.
      first.abort();
      await until(async () => {
        const again = new AbortController();
        const status = (await fetch(url, { signal: again.signal })).status;
        again.abort();
        return status === 200;
      });
    } finally {
      first.abort();
      await live.close();
    }
  });

  it('with a token, asks for it on every path but /healthz and /readyz', async () => {
    const board = new ScalerBoard();
    const guarded = new TideServer({ metrics, notReady: () => null, board, token: 's3cret' });
    const bound = await guarded.start({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${bound.port}`;
    try {
      const status = async (path: string, init: RequestInit = {}): Promise<number> =>
        (await fetch(`${url}${path}`, init)).status;
      expect(await status('/healthz')).toBe(200);
      expect(await status('/readyz')).toBe(200);
      for (const path of ['/', '/api/scalers', '/api/events', '/metrics']) {
        expect(await status(path)).toBe(401);
        expect(await status(`${path}?token=wrong`)).toBe(401);
      }
      expect(await status('/?token=s3cret')).toBe(200);
      const auth = { headers: { authorization: 'Bearer s3cret' } };
      expect(await status('/metrics', auth)).toBe(200);
      expect(await status('/api/scalers', auth)).toBe(200);
      const res = await fetch(`${url}/`);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.text()).not.toContain('s3cret');
    } finally {
      await guarded.close();
    }
  });

  it('bound beyond loopback without a token, serves no dashboard but still /metrics and probes', async () => {
    const board = new ScalerBoard();
    const open = new TideServer({ metrics, notReady: () => null, board });
    const bound = await open.start({ host: '0.0.0.0', port: 0 });
    const url = `http://127.0.0.1:${bound.port}`;
    try {
      for (const path of ['/', '/api/scalers', '/api/events']) {
        const res = await fetch(`${url}${path}`);
        expect(res.status).toBe(403);
        expect(await res.text()).toContain(
          'needs a token: set --dashboard-token or TIDE_DASHBOARD_TOKEN',
        );
      }
      for (const path of ['/metrics', '/healthz', '/readyz'])
        expect((await fetch(`${url}${path}`)).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.7', false],
    ['127.example.com', false],
  ])('isLoopback(%s) = %s', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback);
  });
});

/** Reads a streamed body until its text so far matches `pattern`. */
async function readUntil(res: Response, pattern: RegExp): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!pattern.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition never held');
}
