import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { appendTail, commandLine, describeEnd, portFree, probe } from './replica-process.js';

describe('describeEnd', () => {
  it.each([
    [{ code: 3, signal: null, spawnError: null }, 'exited with status 3'],
    [{ code: null, signal: 'SIGKILL' as const, spawnError: null }, 'was killed by SIGKILL'],
    [{ code: null, signal: null, spawnError: 'spawn x ENOENT' }, 'could not start: spawn x ENOENT'],
  ])('%j → %s', (end, text) => expect(describeEnd(end)).toBe(text));
});

describe('appendTail and commandLine', () => {
  it('keeps the last characters only', () => {
    expect(appendTail('abc', 'def', 4)).toBe('cdef');
    expect(appendTail('', 'xy', 4)).toBe('xy');
  });

  it('quotes what a shell would need quoted', () => {
    expect(commandLine('node', ['-e', 'process.exit(3)', 'a.mjs'])).toBe(
      'node -e "process.exit(3)" a.mjs',
    );
  });
});

describe('portFree and probe', () => {
  it('sees a listening server, and its health by HTTP and TCP', async () => {
    const server = http.createServer((req, res) => {
      res.statusCode = req.url === '/healthz' ? 200 : 503;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    expect(await portFree(port)).toBe(false);
    expect(await probe(port, { type: 'http', path: '/healthz' }, 1000)).toBe(true);
    expect(await probe(port, { type: 'http', path: '/other' }, 1000)).toBe(false);
    expect(await probe(port, { type: 'tcp' }, 1000)).toBe(true);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await portFree(port)).toBe(true);
    expect(await probe(port, { type: 'tcp' }, 1000)).toBe(false);
  });
});
