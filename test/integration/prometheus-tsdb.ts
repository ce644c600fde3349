/**
 * A Prometheus on 127.0.0.1 serving series written as OpenMetrics text: the text is turned into
 * TSDB blocks with `promtool tsdb create-blocks-from openmetrics` and served by `prometheus` from
 * a temp dir, with a retention long enough for old timestamps. Installs the Debian package once
 * (scripts/services/prometheus-tsdb.sh).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(target: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(`${target}/-/ready`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`prometheus at ${target} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface TsdbPrometheus {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly stop: () => void;
}

/** Backfills `openMetrics` (ending in `# EOF`) and starts a server on it; resolves when ready. */
export async function startTsdbPrometheus(openMetrics: string): Promise<TsdbPrometheus> {
  execFileSync(join(root, 'scripts/services/prometheus-tsdb.sh'), { stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'tide-prom-'));
  writeFileSync(join(dir, 'series.om'), openMetrics);
  execFileSync(
    'promtool',
    ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'series.om'), join(dir, 'data')],
    { stdio: 'pipe' },
  );
  writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const stop = (): void => {
    server.kill('SIGTERM');
  };
  try {
    await waitReady(url, 60_000);
  } catch (e) {
    stop();
    throw e;
  }
  return { url, stop };
}
