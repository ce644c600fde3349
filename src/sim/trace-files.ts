/**
 * Where traces come from: a CSV file, a bundled trace by name (`traces/NAME.csv` in the package),
 * or a Prometheus range query (`prometheus.ts`).
 *
 * @module
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Trace, TraceError, parseTraceCsv } from './trace.js';

/** The package's `traces/` folder (found upward from this module, in `src/` or `dist/src/`). */
export function bundledTraceDir(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'traces');
    if (existsSync(join(candidate, 'README.md'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no bundled traces/ folder found above ${from}`);
    dir = parent;
  }
}

/** Names of the bundled traces, sorted. */
export function bundledTraceNames(dir = bundledTraceDir()): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => f.slice(0, -'.csv'.length))
    .sort();
}

/** Reads and parses one CSV trace; the trace is named after the file. */
export async function loadTraceFile(path: string): Promise<Trace> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TraceError(`reading trace ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseTraceCsv(text, { name: basename(path).replace(/\.csv$/i, '') });
}

/** A bundled trace name or a file path. */
export async function resolveTrace(nameOrPath: string, dir?: string): Promise<Trace> {
  if (/^[\w.-]+$/.test(nameOrPath) && !nameOrPath.endsWith('.csv')) {
    const bundled = dir ?? bundledTraceDir();
    const path = join(bundled, `${nameOrPath}.csv`);
    if (existsSync(path)) return loadTraceFile(path);
    if (!existsSync(nameOrPath)) {
      throw new TraceError(
        `trace = ${JSON.stringify(nameOrPath)}: neither a file nor a bundled trace (bundled: ${bundledTraceNames(bundled).join(', ')})`,
      );
    }
  }
  return loadTraceFile(nameOrPath);
}
