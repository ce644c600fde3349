#!/usr/bin/env node
// A small CPU-bound HTTP service for trying Tide's process target (docs/local.md).
//
//   PORT               where to listen (Tide sets it for each replica)
//   TIDE_REPLICA_INDEX which replica this is (Tide sets it; echoed in answers)
//   STARTUP_DELAY_MS   how long to wait before listening: a slow start (default 0)
//   WORK_MS            CPU time each request burns, in ms (default 20; `?ms=` overrides it)
//
// GET /healthz answers 200 once listening. Any other request reads its body, burns WORK_MS of
// CPU on the event loop (so one replica serves one request at a time, as a CPU-bound service
// does), and answers JSON: {replica, pid, bytes, workMs}. SIGTERM stops it gracefully.
import http from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const replica = Number(process.env.TIDE_REPLICA_INDEX ?? 0);
const startupDelayMs = Number(process.env.STARTUP_DELAY_MS ?? 0);
const defaultWorkMs = Number(process.env.WORK_MS ?? 20);

function burn(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/healthz') {
    res.end('ok\n');
    return;
  }
  let bytes = 0;
  req.on('data', (chunk) => (bytes += chunk.length));
  req.on('end', () => {
    const workMs = Number(url.searchParams.get('ms') ?? defaultWorkMs);
    burn(workMs);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ replica, pid: process.pid, bytes, workMs }));
  });
});

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});

setTimeout(() => server.listen(port, '127.0.0.1'), startupDelayMs);
