/**
 * What the process pool does to one replica's operating-system process: check that its port is
 * free, spawn it in its own process group, probe its health (HTTP path or TCP connect), signal
 * the whole group, and describe how it ended. No state: the pool (`process-pool.ts`) owns that.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';

export type HealthCheck =
  { readonly type: 'http'; readonly path: string } | { readonly type: 'tcp' };

/** True when nothing listens on 127.0.0.1:port (a replica started there could bind it). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** One probe of 127.0.0.1:port: an HTTP GET answered 2xx or 3xx, or a TCP connection accepted. */
export function probe(port: number, check: HealthCheck, timeoutMs: number): Promise<boolean> {
  return check.type === 'http' ? probeHttp(port, check.path, timeoutMs) : probeTcp(port, timeoutMs);
}

function probeHttp(port: number, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs });
    req.once('response', (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(status >= 200 && status < 400);
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => resolve(false));
  });
}

function probeTcp(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: timeoutMs });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

export interface SpawnRequest {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string | undefined;
  /** `inherit`: the replica's stdout is the runner's; `ignore`: discarded. */
  readonly stdout: 'inherit' | 'ignore';
}

/** How a process ended: an exit status, a signal, or a failure to start at all. */
export interface ProcessEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started (ENOENT, EACCES …). */
  readonly spawnError: string | null;
}

export interface Spawned {
  readonly child: ChildProcess;
  /** Resolves once, when the process has ended (or failed to start). */
  readonly ended: Promise<ProcessEnd>;
}

/**
 * Spawns the command as the leader of a new process group, so that signals reach everything it
 * starts (a shell wrapper's children too). stderr is piped for the caller to read.
 */
export function spawnReplica(request: SpawnRequest): Spawned {
  const child = spawn(request.command, [...request.args], {
    env: request.env,
    cwd: request.cwd,
    detached: true,
    stdio: ['ignore', request.stdout, 'pipe'],
  });
  const ended = new Promise<ProcessEnd>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, spawnError: null }));
    child.once('error', (error) => {
      // 'error' without a pid: the process never started (no 'exit' follows).
      if (child.pid === undefined) resolve({ code: null, signal: null, spawnError: error.message });
    });
  });
  return { child, ended };
}

/** Sends `signal` to the child's whole process group; false when there is none any more. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** `exited with status 1`, `was killed by SIGKILL`, `could not start: spawn x ENOENT`. */
export function describeEnd(end: ProcessEnd): string {
  if (end.spawnError !== null) return `could not start: ${end.spawnError}`;
  if (end.signal !== null) return `was killed by ${end.signal}`;
  return `exited with status ${String(end.code)}`;
}

/** The last `limit` characters of a growing text (a process's stderr). */
export function appendTail(tail: string, chunk: string, limit = 2000): string {
  const text = tail + chunk;
  return text.length <= limit ? text : text.slice(text.length - limit);
}

/** The command line as a person would type it, for messages. */
export function commandLine(command: string, args: readonly string[]): string {
  const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : JSON.stringify(s));
  return [command, ...args].map(quote).join(' ');
}
