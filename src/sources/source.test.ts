import { describe, expect, it } from 'vitest';
import {
  SourceError,
  isNetworkError,
  LazyConnection,
  isSourceError,
  redact,
  resolveSecret,
  sanitizeError,
  toMilli,
  withTimeout,
  wrapError,
} from './source.js';

const deps = (env: Record<string, string> = {}, files: Record<string, string> = {}) => ({
  now: () => Date.UTC(2024, 0, 1),
  env,
  readFile: (path: string) =>
    files[path] === undefined
      ? Promise.reject(new Error(`ENOENT: ${path}`))
      : Promise.resolve(files[path]),
});

describe('SourceError', () => {
  it.each([
    ['Timeout', true],
    ['Unavailable', true],
    ['NoData', true],
    ['Unauthorized', false],
    ['BadQuery', false],
    ['BadValue', false],
    ['Config', false],
  ] as const)('%s is retryable: %s', (code, retryable) => {
    const e = new SourceError(code, 'x');
    expect(e.retryable).toBe(retryable);
    expect(isSourceError(e)).toBe(true);
    expect(isSourceError(new Error('x'))).toBe(false);
  });
});

describe('redact', () => {
  it.each([
    ['password p@ss! here', ['p@ss!'], 'password *** here'],
    ['url redis://u:p%40ss!@h', ['p@ss!'], 'url redis://u:***@h'],
    ['twice s3 and s3', ['s3'], 'twice *** and ***'],
    ['nothing here', [''], 'nothing here'],
  ])('%s', (text, secrets, expected) => {
    expect(redact(text, secrets)).toBe(expected);
  });

  it('sanitizes a whole cause chain, dropping other fields', () => {
    const inner = Object.assign(new Error('auth hunter2 failed'), {
      code: 'E1',
      password: 'hunter2',
    });
    const outer = new Error('connect with hunter2', { cause: inner });
    const copy = sanitizeError(outer, ['hunter2']);
    const text =
      JSON.stringify(copy, Object.getOwnPropertyNames(copy)) +
      JSON.stringify(copy.cause, ['message', 'code', 'password']);
    expect(copy.message).toBe('connect with ***');
    expect((copy.cause as Error).message).toBe('auth *** failed');
    expect((copy.cause as { code: string }).code).toBe('E1');
    expect(text).not.toContain('hunter2');
  });

  it('wraps with what was being done and keeps SourceErrors as they are', () => {
    const e = wrapError(new Error('bad hunter2'), 'Unauthorized', {
      doing: 'reading x',
      secrets: ['hunter2'],
    });
    expect(e).toMatchObject({
      code: 'Unauthorized',
      retryable: false,
      message: 'reading x: bad ***',
    });
    const source = new SourceError('NoData', 'none');
    expect(wrapError(source, 'BadQuery', { doing: 'y', secrets: [] })).toBe(source);
  });
});

describe('isNetworkError', () => {
  it.each([
    [Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), true],
    [new Error('x', { cause: Object.assign(new Error('y'), { code: 'ECONNRESET' }) }), true],
    [new AggregateError([Object.assign(new Error('y'), { code: 'ECONNREFUSED' })]), true],
    [Object.assign(new Error('x'), { code: '28P01' }), false],
    ['ECONNREFUSED', false],
  ])('%#', (e, expected) => {
    expect(isNetworkError(e)).toBe(expected);
  });
});

describe('resolveSecret', () => {
  it('reads an env var or a file (one trailing newline dropped)', async () => {
    const d = deps({ PW: 'from-env' }, { '/run/pw': 'from-file\n' });
    expect(await resolveSecret({ fromEnv: 'PW' }, d, 'password')).toBe('from-env');
    expect(await resolveSecret({ fromFile: '/run/pw' }, d, 'password')).toBe('from-file');
    expect(await resolveSecret(undefined, d, 'password')).toBeUndefined();
  });

  it.each([
    [{ fromEnv: 'MISSING' }, 'password.fromEnv = MISSING: the variable is not set'],
    [{ fromFile: '/nope' }, 'password.fromFile = /nope: ENOENT: /nope'],
  ])('fails with a Config error naming the key: %j', async (ref, message) => {
    await expect(resolveSecret(ref, deps(), 'password')).rejects.toMatchObject({
      code: 'Config',
      message,
      retryable: false,
    });
  });
});

describe('toMilli', () => {
  it.each([
    [3, 3000],
    ['2.5', 2500],
    ['0.0004', 0],
    [-1, -1000],
  ])('%j → %d', (value, milli) => {
    expect(toMilli(value, 'x')).toBe(milli);
  });
  it.each([['NaN'], ['+Inf'], [''], ['abc'], [null], [{}]])('rejects %j', (value) => {
    expect(() => toMilli(value, 'reading x')).toThrow(/reading x/);
  });
});

describe('withTimeout', () => {
  const never = new AbortController().signal;

  it('returns the value of a read that finishes in time', async () => {
    await expect(
      withTimeout(never, { timeoutMs: 1000, doing: 'x' }, () => Promise.resolve(7)),
    ).resolves.toBe(7);
  });

  it('fails with a retryable Timeout even when the read ignores its signal', async () => {
    const started = Date.now();
    const read = withTimeout(
      never,
      { timeoutMs: 30, doing: 'reading q' },
      () => new Promise(() => undefined),
    );
    await expect(read).rejects.toMatchObject({
      code: 'Timeout',
      retryable: true,
      message: 'reading q: no answer within timeoutMs = 30',
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('aborts the inner signal on timeout and on the caller’s abort', async () => {
    let inner: AbortSignal | undefined;
    await expect(
      withTimeout(never, { timeoutMs: 10, doing: 'x' }, (s) => {
        inner = s;
        return new Promise(() => undefined);
      }),
    ).rejects.toThrow();
    expect(inner?.aborted).toBe(true);
    const caller = new AbortController();
    const pending = withTimeout(
      caller.signal,
      { timeoutMs: 10_000, doing: 'x' },
      () => new Promise(() => undefined),
    );
    caller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'Timeout' });
  });
});

describe('LazyConnection', () => {
  const make = () => {
    const log: string[] = [];
    let n = 0;
    const conn = new LazyConnection({
      open: () => {
        n += 1;
        log.push(`open ${n}`);
        return n === 2 ? Promise.reject(new Error('refused')) : Promise.resolve(n);
      },
      end: (c) => {
        log.push(`end ${c}`);
        return Promise.resolve();
      },
      destroy: (c) => {
        log.push(`destroy ${c}`);
        return Promise.resolve();
      },
    });
    return { conn, log };
  };

  it('opens once, reuses, reopens after a drop, forgets a failed open, ends on close', async () => {
    const { conn, log } = make();
    expect(await Promise.all([conn.get(), conn.get()])).toEqual([1, 1]);
    conn.drop(7); // not the current connection: ignored
    expect(await conn.get()).toBe(1);
    conn.drop();
    await expect(conn.get()).rejects.toThrow('refused');
    expect(await conn.get()).toBe(3);
    await conn.close();
    expect(log).toEqual(['open 1', 'open 2', 'destroy 1', 'open 3', 'end 3']);
  });
});
