/**
 * The runtime's options: every flag has an environment twin with the same default, and both are
 * parsed once, here, with zod (Karpenter). Nothing below this file reads `process.env`: the
 * environment the sources need (credentials by variable name) is passed down as data.
 *
 * Precedence: flag, then environment variable, then default.
 *
 * @module
 */
import { z } from 'zod';
import { formatPath, type ParseResult } from '../core/spec.js';
import { logLevels } from './log.js';

export const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((v) => v === true || v === 'true' || v === '1');
export const int = (min: number, max: number): z.ZodType<number, unknown> =>
  z.coerce.number().pipe(z.int().min(min).max(max));

/** One option: its key, flag, env twin, default and meaning. */
export interface OptionInfo {
  readonly key: keyof RunOptions;
  readonly flag: string;
  readonly env: string;
  readonly description: string;
  readonly defaultValue?: string | number | boolean;
}

export const runOptionInfo: readonly OptionInfo[] = [
  {
    key: 'config',
    flag: '-c, --config <file>',
    env: 'TIDE_CONFIG',
    description: 'YAML file of named ScalerSpecs (scalers: [...])',
  },
  {
    key: 'dryRun',
    flag: '--dry-run',
    env: 'TIDE_DRY_RUN',
    description: 'decide and print, never act on targets',
    defaultValue: false,
  },
  {
    key: 'replicas',
    flag: '--replicas <n>',
    env: 'TIDE_REPLICAS',
    description:
      "in a dry run the replica count to decide from; otherwise the count each process target starts with (default: each spec's minReplicas)",
  },
  {
    key: 'readConcurrency',
    flag: '--read-concurrency <n>',
    env: 'TIDE_READ_CONCURRENCY',
    description: 'triggers read at once per scaler',
    defaultValue: 4,
  },
  {
    key: 'readTimeoutMs',
    flag: '--read-timeout-ms <ms>',
    env: 'TIDE_READ_TIMEOUT_MS',
    description: "upper bound on one trigger's read, on top of the source's own timeoutMs",
    defaultValue: 30_000,
  },
  {
    key: 'ticks',
    flag: '--ticks <n>',
    env: 'TIDE_TICKS',
    description: 'stop after this many ticks per scaler (default: run until interrupted)',
  },
  {
    key: 'history',
    flag: '--no-history',
    env: 'TIDE_HISTORY',
    description:
      "at start, do not read the first trigger's last 2 days from the metric source (a Prometheus range query) to seed the forecaster, nor its last 6 hours to catch the headroom planner up",
    defaultValue: true,
  },
  {
    key: 'metricsAddress',
    flag: '--metrics-address <addr>',
    env: 'TIDE_METRICS_ADDRESS',
    description:
      'serve the dashboard (/), /api/scalers, /metrics, /healthz and /readyz on host:port (e.g. 127.0.0.1:9464; default: no server)',
  },
  {
    key: 'dashboardToken',
    flag: '--dashboard-token <token>',
    env: 'TIDE_DASHBOARD_TOKEN',
    description:
      'needed on every path of --metrics-address but /healthz and /readyz (Authorization: Bearer, or ?token= in a browser); without it a non-loopback address serves no dashboard',
  },
  {
    key: 'timeScale',
    flag: '--time-scale <factor>',
    env: 'TIDE_TIME_SCALE',
    description:
      "run the engine's clock this many times faster than real time, to replay a compressed trace live (benchmarks, demos): sync periods, windows and the spec's startupSeconds pass faster; processes, health checks, drains and requests stay real",
    defaultValue: 1,
  },
  {
    key: 'logLevel',
    flag: '--log-level <level>',
    env: 'TIDE_LOG_LEVEL',
    description: `log lines at this level and above, on stderr (${logLevels.join(', ')})`,
    defaultValue: 'info',
  },
];

/**
 * A listen address: `host:port`, `:port` or `port` (all interfaces), an IPv6 host in brackets
 * (`[::1]:9464`); null when it is none of these or the port is not 0–65535.
 */
export function parseListenAddress(text: string): { host: string; port: number } | null {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$|^(\d+)$/.exec(text.trim());
  if (match === null) return null;
  const port = Number(match[3] ?? match[4]);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) return null;
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

export const runOptionsSchema = z
  .object({
    config: z.string().min(1),
    dryRun: bool.default(false),
    replicas: int(0, 100_000).optional(),
    readConcurrency: int(1, 64).default(4),
    readTimeoutMs: int(1, 600_000).default(30_000),
    ticks: int(1, 1_000_000).optional(),
    history: bool.default(true),
    metricsAddress: z
      .string()
      .refine((v) => parseListenAddress(v) !== null, {
        message: 'expected host:port, :port or port (e.g. 127.0.0.1:9464), port 0–65535',
      })
      .optional(),
    dashboardToken: z.string().min(1).optional(),
    logLevel: z.enum(logLevels).default('info'),
    timeScale: z.coerce.number().pipe(z.number().min(1).max(1000)).default(1),
  })
  .strict();
export type RunOptions = z.output<typeof runOptionsSchema>;

/**
 * Merges flags over env twins and parses them once. Issues name the flag and its variable:
 * `--read-concurrency / TIDE_READ_CONCURRENCY = 0: Too small: expected number to be >=1`.
 */
export function parseRunOptions(
  flags: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): ParseResult<RunOptions> {
  return parseOptions({ info: runOptionInfo, schema: runOptionsSchema, flags, env });
}

/** One command's options: the flags with their env twins, and the schema that parses them. */
export interface OptionsInput<T> {
  readonly info: readonly { readonly key: string; readonly flag: string; readonly env: string }[];
  readonly schema: z.ZodType<T, unknown>;
  readonly flags: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Flag, then environment variable, then default; every issue names the flag and its variable. */
export function parseOptions<T>(input: OptionsInput<T>): ParseResult<T> {
  const merged: Record<string, unknown> = {};
  for (const info of input.info) {
    const value = input.flags[info.key] ?? input.env[info.env];
    if (value !== undefined && value !== '') merged[info.key] = value;
  }
  const result = input.schema.safeParse(merged);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => {
      const key = formatPath(issue.path);
      const info = input.info.find((i) => i.key === key);
      const name =
        info === undefined
          ? key
          : `${info.flag.replace(/ <.*$/, '').replace(/^-\w, /, '')} / ${info.env}`;
      const shown = merged[key] === undefined ? 'missing' : JSON.stringify(merged[key]);
      return { path: key, message: `${name} = ${shown}: ${issue.message}` };
    }),
  };
}
