#!/usr/bin/env node
// A small CPU-bound HTTP service for trying Tide's process target (docs/local.md).
//
//   PORT               where to listen (Tide sets it for each replica)
//   TIDE_REPLICA_INDEX which replica this is (Tide sets it; echoed in answers)
//   STARTUP_DELAY_MS   how long to wait before listening: a slow start (default 0)
//   WORK_MS            CPU time each request burns, in ms (default 20; `?ms=` overrides it)
//   WAIT_SLOTS         when set (a positive integer), requests do not burn CPU: each holds one of
//                      this many slots for WORK_MS of wall time and the rest queue, like a service
//                      bound by something other than this machine's CPU (a database, a GPU). It
//                      lets a 2-core machine run many replicas at a realistic capacity each.
//
// GET /healthz answers 200 once listening. Any other request reads its body, burns WORK_MS of
// CPU on the event loop (so one replica serves one request at a time, as a CPU-bound service
// does; or waits, see WAIT_SLOTS), and answers JSON: {replica, pid, bytes, workMs}. SIGTERM stops it gracefully.
import http from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const replica = Number(process.env.TIDE_REPLICA_INDEX ?? 0);
const startupDelayMs = Number(process.env.STARTUP_DELAY_MS ?? 0);
const defaultWorkMs = Number(process.env.WORK_MS ?? 20);
const waitSlots = process.env.WAIT_SLOTS === undefined ? 0 : Number(process.env.WAIT_SLOTS);
if (!Number.isInteger(waitSlots) || waitSlots < 0) {
  console.error(`WAIT_SLOTS must be a positive integer, got ${process.env.WAIT_SLOTS}`);
  process.exit(2);
}

function burn(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

let busy = 0;
const queue = [];

/** Runs `done` after holding a slot for `ms` of wall time (WAIT_SLOTS), or after burning `ms`. */
function work(ms, done) {
  if (waitSlots === 0) {
    burn(ms);
    done();
    return;
  }
  const start = () => {
    busy += 1;
    setTimeout(() => {
      busy -= 1;
      queue.shift()?.();
      done();
    }, ms);
  };
  if (busy < waitSlots) start();
  else queue.push(start);
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
    work(workMs, () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ replica, pid: process.pid, bytes, workMs }));
    });
  });
});

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});

setTimeout(() => server.listen(port, '127.0.0.1'), startupDelayMs);
