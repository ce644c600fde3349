import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runSourceContract, type Endpoint } from '../../src/sources/contract.js';
import { createHttpSource, httpSchema } from '../../src/sources/http.js';
import { badPassword, deps, testEnv } from './env.js';

// There is no Debian package for "a JSON endpoint": the server is a real HTTP server on loopback
// that checks basic credentials like any service would.
let value = 0;
const expected = `Basic ${Buffer.from('tide:tide-test-password').toString('base64')}`;
const server = http.createServer((req, res) => {
  if (req.headers.authorization !== expected) {
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ data: { items: [{ name: 'orders', value: String(value) }] } }));
});
const address = { host: '127.0.0.1', port: 0 };
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address.port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const make = (endpoint: Endpoint, config: Record<string, unknown> = {}) =>
  createHttpSource(
    httpSchema.parse({
      url: `http://${endpoint.host}:${endpoint.port}/metrics.json`,
      valuePath: 'data.items[0].value',
      username: 'tide',
      password: { fromEnv: 'TIDE_TEST_SECRET' },
      ...config,
    }),
    deps(),
  );

runSourceContract({
  name: 'http',
  server: () => address,
  create: (endpoint, { timeoutMs }) => make(endpoint, { timeoutMs }),
  setValue: (n) => {
    value = n;
    return Promise.resolve();
  },
  badCredentials: badPassword((endpoint, password) => make(endpoint, { password })),
  badQuery: {
    query: 'data.items[3].value',
    create: (endpoint) => make(endpoint, { valuePath: 'data.items[3].value' }),
  },
});

// KEDA's metrics-api scaler takes the basic-auth user name from a TriggerAuthentication, so an
// imported spec may hold it as a secret reference.
it('reads the user name from a secret reference', async () => {
  value = 9;
  const source = createHttpSource(
    httpSchema.parse({
      url: `http://${address.host}:${address.port}/metrics.json`,
      valuePath: 'data.items[0].value',
      username: { fromEnv: 'TIDE_TEST_USER' },
      password: { fromEnv: 'TIDE_TEST_SECRET' },
    }),
    deps(testEnv({ TIDE_TEST_USER: 'tide' })),
  );
  try {
    const reading = await source.read(AbortSignal.timeout(5000));
    expect(reading.valuesMilli).toEqual([9000]);
  } finally {
    await source.close();
  }
});
