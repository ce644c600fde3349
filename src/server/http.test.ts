import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../core/decide.js';
import { initialState } from '../core/model.js';
import { scalerSpecSchema } from '../core/spec.js';
import { TideServer } from './http.js';
import { TideMetrics } from './metrics.js';

const metrics = new TideMetrics({ processMetrics: false });
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
    const spec = scalerSpecSchema.parse({
      triggers: [{ name: 'rps', type: 'prometheus', target: { type: 'AverageValue', value: 100 } }],
      prediction: { mode: 'off' },
    });
    const t0 = Date.UTC(2024, 0, 1);
    const metric = { status: 'ok', timestamp: t0, valuesMilli: [400_000] } as const;
    const decision = decide(
      spec,
      { currentReplicas: 1, pods: [], metrics: { rps: metric } },
      initialState(),
      t0,
    );
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
});
