import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';

function sink(isTTY = false): { stream: Writable & { isTTY: boolean }; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done): void {
        chunks.push(chunk.toString());
        done();
      },
    }),
    { isTTY },
  );
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

describe('createLogger', () => {
  it('writes one JSON line per call, with level names and the base fields', () => {
    const out = sink();
    const log = createLogger({ level: 'info', destination: out.stream, base: { component: 'x' } });
    log.info({ scaler: 'checkout', from: 2, to: 5 }, 'scaled');
    log.debug('not at info');
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'info',
      component: 'x',
      scaler: 'checkout',
      to: 5,
      msg: 'scaled',
    });
    expect(typeof line['time']).toBe('string');
  });

  it('never writes a password, token or authorization header', () => {
    const out = sink();
    const log = createLogger({ level: 'info', destination: out.stream });
    log.warn(
      {
        password: 'hunter2',
        config: { password: 'p4ss', bearerToken: 'tok-123' },
        headers: { authorization: 'Bearer abc' },
      },
      'source failed',
    );
    const text = out.lines().join('\n');
    for (const secret of ['hunter2', 'p4ss', 'tok-123', 'Bearer abc'])
      expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('writes human-readable lines to a terminal', () => {
    const out = sink(true);
    const log = createLogger({ level: 'info', destination: out.stream });
    log.info({ scaler: 'checkout' }, 'scaled');
    const text = out.lines().join('\n');
    expect(text).toContain('scaled');
    expect(() => {
      JSON.parse(out.lines()[0] ?? '');
    }).toThrow();
  });
});
