import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, authHeaders, getJson, statusCode } from './http-client.js';

describe('statusCode', () => {
  it.each([
    [401, 'Unauthorized'],
    [403, 'Unauthorized'],
    [400, 'BadQuery'],
    [404, 'BadQuery'],
    [422, 'BadQuery'],
    [408, 'Unavailable'],
    [429, 'Unavailable'],
    [500, 'Unavailable'],
    [503, 'Unavailable'],
  ])('%d → %s', (status, code) => {
    expect(statusCode(status)).toBe(code);
  });
});

describe('authHeaders', () => {
  it.each([
    [{ bearer: 't0k' }, { authorization: 'Bearer t0k' }],
    [
      { username: 'u', password: 'p' },
      { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
    ],
    [{}, {}],
  ])('%j', (auth, headers) => {
    expect(authHeaders(auth)).toEqual(headers);
  });
});

describe('getJson', () => {
  const replies: Record<string, [number, string]> = {
    '/ok': [200, '{"v":1}'],
    '/denied': [401, '{"error":"bad token s3cret-token"}'],
    '/down': [503, 'upstream unavailable'],
    '/junk': [200, 'not json'],
  };
  const server = http.createServer((req, res) => {
    const [status, body] = replies[req.url ?? ''] ?? [404, 'no'];
    res.writeHead(status).end(body);
  });
  let base = '';
  const client = new HttpClient();
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const get = (path: string, url = `${base}${path}`) =>
    getJson(
      client,
      { url: new URL(url), signal: new AbortController().signal },
      { doing: 'reading x', secrets: ['s3cret-token'] },
    );

  it('parses a JSON body', async () => {
    await expect(get('/ok')).resolves.toEqual({ v: 1 });
  });

  it.each([
    ['/denied', 'Unauthorized', 'reading x: HTTP 401: {"error":"bad token ***"}'],
    ['/down', 'Unavailable', 'reading x: HTTP 503: upstream unavailable'],
    ['/missing', 'BadQuery', 'reading x: HTTP 404: no'],
    ['/junk', 'BadValue', 'reading x: parsing the JSON body: '],
  ])('%s fails with %s and a redacted message', async (path, code, message) => {
    const error = await get(path).catch((e: unknown) => e);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toContain(message);
  });

  it('fails with a retryable Unavailable when nothing listens', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(get('', `http://127.0.0.1:${port}/`)).rejects.toMatchObject({
      code: 'Unavailable',
      retryable: true,
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });
});

describe('a shared HttpClient (SourceDeps.http)', () => {
  const sockets = new Set<string>();
  const server = http.createServer((req, res) => {
    sockets.add(`${req.socket.remotePort}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("serves many sources over one pool, and a source's close leaves it open for the others", async () => {
    const { createPrometheusSource, prometheusSchema } = await import('./prometheus.js');
    const shared = new HttpClient({ maxSockets: 2 });
    const deps = { now: () => 0, env: {}, http: shared };
    const sources = Array.from({ length: 20 }, (_, i) =>
      createPrometheusSource(
        prometheusSchema.parse({ serverAddress: base, query: `up{i="${i}"}` }),
        deps,
      ),
    );
    const signal = new AbortController().signal;
    const reads = await Promise.allSettled(sources.map((s) => s.read(signal)));
    // An empty result is NoData: the request went through and was answered.
    expect(
      reads.map((r) => (r.status === 'rejected' ? (r.reason as { code?: string }).code : 'ok')),
    ).toEqual(Array.from({ length: 20 }, () => 'NoData'));
    // Twenty sources, at most two connections.
    expect(sockets.size).toBeLessThanOrEqual(2);
    await sources[0]?.close();
    const again = await sources[1]?.read(signal).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'NoData' });
    shared.close();
  });
});
