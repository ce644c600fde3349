/** A small HTTP load generator for the process-target tests: closed loop, keep-alive. */
import http from 'node:http';

export interface LoadResult {
  /** Requests sent (each got an answer or an error). */
  sent: number;
  /** Answers by status code. */
  byStatus: Record<number, number>;
  /** Requests that failed without an answer (connection errors). */
  errors: number;
  /** The replica (`replica` field of the body) of each 200 answer, in order. */
  replicas: number[];
  /** Process ids seen in 200 answers. */
  pids: Set<number>;
}

export interface Load {
  readonly result: LoadResult;
  /** Changes how many requests are kept in flight (0 pauses). */
  setConcurrency(n: number): void;
  /** Stops sending; resolves when every request in flight has ended. */
  stop(): Promise<LoadResult>;
}

export function get(url: string, agent?: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, agent === undefined ? {} : { agent }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Keeps `concurrency` GET requests to `url` in flight until stopped. */
export function startLoad(url: string, concurrency: number): Load {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const result: LoadResult = { sent: 0, byStatus: {}, errors: 0, replicas: [], pids: new Set() };
  let wanted = concurrency;
  let running = 0;
  let stopped = false;
  let idle: (() => void) | null = null;
  const record = (status: number, body: string): void => {
    result.byStatus[status] = (result.byStatus[status] ?? 0) + 1;
    if (status !== 200) return;
    const parsed = JSON.parse(body) as { replica: number; pid: number };
    result.replicas.push(parsed.replica);
    result.pids.add(parsed.pid);
  };
  const worker = async (): Promise<void> => {
    running += 1;
    while (!stopped && running <= wanted) {
      result.sent += 1;
      try {
        const { status, body } = await get(url, agent);
        record(status, body);
      } catch {
        result.errors += 1;
      }
    }
    running -= 1;
    if (running === 0) idle?.();
  };
  const fill = (): void => {
    for (let i = running; i < wanted; i++) void worker();
  };
  fill();
  return {
    result,
    setConcurrency: (n) => {
      wanted = n;
      fill();
    },
    stop: async () => {
      stopped = true;
      if (running > 0) await new Promise<void>((resolve) => (idle = resolve));
      agent.destroy();
      return result;
    },
  };
}

/** Polls `check` every 50 ms until it returns true; throws with `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True while a process with this id exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
