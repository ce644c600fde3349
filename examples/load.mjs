#!/usr/bin/env node
// A closed-loop HTTP load generator for trying the process target (plain Node, keep-alive):
//   node examples/load.mjs URL [CONCURRENCY=16] [SECONDS=60]
// Keeps CONCURRENCY GET requests in flight for SECONDS, prints each second's answers by status
// and which replicas answered (the cpu-service's `replica` field), then the totals.
import http from 'node:http';

const [url = 'http://127.0.0.1:9100/', concurrencyText = '16', secondsText = '60'] =
  process.argv.slice(2);
const concurrency = Number(concurrencyText);
const endAt = Date.now() + Number(secondsText) * 1000;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const total = { sent: 0, errors: 0, byStatus: {} };
let second = { answers: 0, replicas: new Set(), byStatus: {} };

function once() {
  return new Promise((resolve) => {
    total.sent += 1;
    const req = http.get(url, { agent }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        const s = res.statusCode;
        total.byStatus[s] = (total.byStatus[s] ?? 0) + 1;
        second.byStatus[s] = (second.byStatus[s] ?? 0) + 1;
        second.answers += 1;
        try {
          second.replicas.add(JSON.parse(body).replica);
        } catch {
          // not the cpu-service: no replica field
        }
        resolve();
      });
    });
    req.on('error', () => {
      total.errors += 1;
      resolve();
    });
  });
}

async function worker() {
  while (Date.now() < endAt) await once();
}

const ticker = setInterval(() => {
  const replicas = [...second.replicas].sort().join(',');
  console.log(
    `${second.answers} req/s  status ${JSON.stringify(second.byStatus)}  replicas [${replicas}]`,
  );
  second = { answers: 0, replicas: new Set(), byStatus: {} };
}, 1000);
await Promise.all(Array.from({ length: concurrency }, worker));
clearInterval(ticker);
agent.destroy();
console.log(
  `sent ${total.sent}, answers by status ${JSON.stringify(total.byStatus)}, errors ${total.errors}`,
);
