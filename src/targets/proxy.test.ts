import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ReverseProxy, endToEndHeaders } from './proxy.js';

describe('endToEndHeaders', () => {
  it('drops hop-by-hop headers and those Connection names', () => {
    expect(
      endToEndHeaders({
        connection: 'keep-alive, x-private',
        'keep-alive': 'timeout=5',
        'x-private': '1',
        'transfer-encoding': 'chunked',
        'content-type': 'text/plain',
      }),
    ).toEqual({ 'content-type': 'text/plain' });
  });
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

function request(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ port, host: '127.0.0.1', path: '/p', agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('ReverseProxy', () => {
  it('forwards to a ready replica, answers 503 when none became ready, and drains', async () => {
    let release: () => void = () => undefined;
    const backend = http.createServer((req, res) => {
      const answer = (): void => {
        res.end(`${req.url ?? ''} via ${String(req.headers['x-forwarded-for'])}`);
      };
      if (req.headers['x-slow'] === undefined) answer();
      else release = answer;
    });
    const backendPort = await listen(backend);
    const proxy = new ReverseProxy({ queueTimeoutMs: 100 });
    closers.push(() => proxy.close());
    const { port } = await proxy.listen('127.0.0.1', 0);
    proxy.add('r-0', backendPort);
    expect(await request(port)).toEqual({ status: 503, body: 'no ready replica within 100 ms\n' });
    proxy.setReady('r-0', true);
    expect(await request(port)).toEqual({ status: 200, body: '/p via 127.0.0.1' });
    // A slow request in flight: the drain waits for it.
    const slow = new Promise<number>((resolve) => {
      http.get(
        { port, host: '127.0.0.1', path: '/slow', headers: { 'x-slow': '1' }, agent: false },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
    });
    while (proxy.stats().replicas[0]?.inFlight !== 1) await new Promise((r) => setTimeout(r, 5));
    const drained = proxy.drain('r-0', 5000);
    release();
    expect(await drained).toBe(0);
    expect(await slow).toBe(200);
    const stats = proxy.stats();
    expect(stats.requestsTotal).toBe(3);
    expect(stats.proxyErrorsTotal).toBe(1);
    expect(stats.replicas[0]).toMatchObject({ requestsTotal: 2, inFlight: 0, ready: false });
  });
});
