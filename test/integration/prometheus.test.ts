import http from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { runSourceContract, type Endpoint } from '../../src/sources/contract.js';
import { createPrometheusSource, prometheusSchema } from '../../src/sources/prometheus.js';
import { badPassword, deps, serverFromEnv } from './env.js';

// Prometheus scrapes this exporter every second (scripts/services/prometheus.sh).
const exporterPort = Number(process.env.TIDE_PROMETHEUS_EXPORTER_PORT ?? '19101');
const server = serverFromEnv('TIDE_TEST_PROMETHEUS');
const query = 'sum(tide_test_value)';
let value = 0;
const exporter = http.createServer((_req, res) => {
  res.end(
    `# TYPE tide_test_value gauge\ntide_test_value{part="a"} ${value / 2}\ntide_test_value{part="b"} ${value / 2}\n`,
  );
});
beforeAll(
  () => new Promise<void>((resolve) => exporter.listen(exporterPort, '127.0.0.1', resolve)),
);
afterAll(() => new Promise<void>((resolve) => exporter.close(() => resolve())));

const make = (endpoint: Endpoint, extra: Record<string, unknown> = {}) =>
  createPrometheusSource(
    prometheusSchema.parse({
      serverAddress: `http://${endpoint.host}:${endpoint.port}`,
      query,
      username: 'tide',
      password: { fromEnv: 'TIDE_TEST_SECRET' },
      ...extra,
    }),
    deps(),
  );

/** Sets the exporter's value and waits until Prometheus has scraped it. */
async function setValue(v: number): Promise<void> {
  value = v;
  const auth = Buffer.from('tide:tide-test-password').toString('base64');
  const url = `http://${server.host}:${server.port}/api/v1/query?query=${encodeURIComponent(query)}`;
  for (let i = 0; i < 100; i++) {
    const res = await fetch(url, { headers: { authorization: `Basic ${auth}` } });
    const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    if (body.data.result[0]?.value[1] === String(v)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`prometheus never scraped tide_test_value = ${v}`);
}

runSourceContract({
  name: 'prometheus',
  server,
  create: (endpoint, { timeoutMs }) => make(endpoint, { timeoutMs }),
  setValue,
  badCredentials: badPassword((endpoint, password) => make(endpoint, { password })),
  badQuery: {
    query: 'sum(rate(tide_test_value[1m]',
    create: (endpoint) => make(endpoint, { query: 'sum(rate(tide_test_value[1m]' }),
  },
  maxConnections: 1,
});
