/**
 * `tide controller`'s options: every flag has an environment twin with the same default (parsed
 * once, here, like `tide run`'s in runtime/options.ts).
 *
 * @module
 */
import { z } from 'zod';
import type { ParseResult } from '../../core/spec.js';
import { logLevels } from '../log.js';
import { bool, int, parseListenAddress, parseOptions, type OptionInfo } from '../options.js';

export const controllerOptionInfo: readonly (Omit<OptionInfo, 'key'> & {
  readonly key: keyof ControllerCliOptions;
})[] = [
  {
    key: 'kubeconfig',
    flag: '--kubeconfig <file>',
    env: 'KUBECONFIG',
    description: 'kubeconfig file (default: ~/.kube/config, or the in-cluster service account)',
  },
  {
    key: 'namespace',
    flag: '--namespace <ns>',
    env: 'TIDE_WATCH_NAMESPACE',
    description: 'watch ElasticScalers in this namespace only (default: all namespaces)',
  },
  {
    key: 'leaseNamespace',
    flag: '--lease-namespace <ns>',
    env: 'TIDE_LEASE_NAMESPACE',
    description: "namespace of the leader-election Lease (in a pod: the pod's own)",
    defaultValue: 'default',
  },
  {
    key: 'leaseName',
    flag: '--lease-name <name>',
    env: 'TIDE_LEASE_NAME',
    description: 'name of the leader-election Lease',
    defaultValue: 'tide-controller',
  },
  {
    key: 'leaderElection',
    flag: '--no-leader-election',
    env: 'TIDE_LEADER_ELECTION',
    description: 'act without holding the Lease (one replica only: two would both act)',
    defaultValue: true,
  },
  {
    key: 'leaseDurationSeconds',
    flag: '--lease-duration-seconds <s>',
    env: 'TIDE_LEASE_DURATION_SECONDS',
    description: 'how long a standby waits before taking over a silent leader',
    defaultValue: 15,
  },
  {
    key: 'renewDeadlineSeconds',
    flag: '--renew-deadline-seconds <s>',
    env: 'TIDE_RENEW_DEADLINE_SECONDS',
    description: 'how long the leader retries renewing before it stops acting',
    defaultValue: 10,
  },
  {
    key: 'retryPeriodSeconds',
    flag: '--retry-period-seconds <s>',
    env: 'TIDE_RETRY_PERIOD_SECONDS',
    description: 'how often the Lease is tried or renewed',
    defaultValue: 2,
  },
  {
    key: 'identity',
    flag: '--identity <id>',
    env: 'TIDE_IDENTITY',
    description: 'this replica in the Lease and in Events (default: hostname_uuid)',
  },
  {
    key: 'workers',
    flag: '--workers <n>',
    env: 'TIDE_WORKERS',
    description: 'scalers reconciled at once',
    defaultValue: 8,
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
    description: "upper bound on one trigger's read",
    defaultValue: 30_000,
  },
  {
    key: 'stateWriteSeconds',
    flag: '--state-write-seconds <s>',
    env: 'TIDE_STATE_WRITE_SECONDS',
    description:
      'write an engine-state-only status change at most this often (scales, conditions and failure counters are written at once)',
    defaultValue: 60,
  },
  {
    key: 'history',
    flag: '--no-history',
    env: 'TIDE_HISTORY',
    description:
      "do not read the first trigger's history to refit the forecaster when a scaler is first seen",
    defaultValue: true,
  },
  {
    key: 'apiQps',
    flag: '--api-qps <n>',
    env: 'TIDE_API_QPS',
    description:
      "the controller's own API requests per second (a token bucket; each scaler reads its /scale once a sync period: 1,000 scalers at 15 s need about 70)",
    defaultValue: 100,
  },
  {
    key: 'apiBurst',
    flag: '--api-burst <n>',
    env: 'TIDE_API_BURST',
    description: 'burst of the API token bucket',
    defaultValue: 200,
  },
  {
    key: 'metricsAddress',
    flag: '--metrics-address <addr>',
    env: 'TIDE_METRICS_ADDRESS',
    description: 'serve the dashboard, /api/scalers, /metrics, /healthz and /readyz on host:port',
    defaultValue: '127.0.0.1:9464',
  },
  {
    key: 'dashboardToken',
    flag: '--dashboard-token <token>',
    env: 'TIDE_DASHBOARD_TOKEN',
    description:
      'needed on every path of --metrics-address but /healthz and /readyz (Authorization: Bearer, or ?token= in a browser); without it a non-loopback address serves no dashboard',
  },
  {
    key: 'logLevel',
    flag: '--log-level <level>',
    env: 'TIDE_LOG_LEVEL',
    description: `log level (${logLevels.join(', ')})`,
    defaultValue: 'info',
  },
];

export const controllerOptionsSchema = z
  .object({
    kubeconfig: z.string().min(1).optional(),
    namespace: z.string().min(1).optional(),
    leaseNamespace: z.string().min(1).default('default'),
    leaseName: z.string().min(1).default('tide-controller'),
    leaderElection: bool.default(true),
    leaseDurationSeconds: int(1, 3600).default(15),
    renewDeadlineSeconds: int(1, 3600).default(10),
    retryPeriodSeconds: int(1, 3600).default(2),
    identity: z.string().min(1).max(128).optional(),
    workers: int(1, 256).default(8),
    readConcurrency: int(1, 64).default(4),
    readTimeoutMs: int(1, 600_000).default(30_000),
    stateWriteSeconds: int(0, 3600).default(60),
    history: bool.default(true),
    apiQps: int(1, 10_000).default(100),
    apiBurst: int(1, 10_000).default(200),
    metricsAddress: z
      .string()
      .refine((v) => parseListenAddress(v) !== null, {
        message: 'expected host:port, :port or port (e.g. 127.0.0.1:9464), port 0–65535',
      })
      .default('127.0.0.1:9464'),
    dashboardToken: z.string().min(1).optional(),
    logLevel: z.enum(logLevels).default('info'),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.leaseDurationSeconds <= o.renewDeadlineSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['leaseDurationSeconds'],
        message: `must be greater than --renew-deadline-seconds (${o.renewDeadlineSeconds})`,
      });
    }
    if (o.renewDeadlineSeconds <= 1.2 * o.retryPeriodSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['renewDeadlineSeconds'],
        message: `must be greater than 1.2 × --retry-period-seconds (${o.retryPeriodSeconds})`,
      });
    }
  });
export type ControllerCliOptions = z.output<typeof controllerOptionsSchema>;

export function parseControllerOptions(
  flags: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): ParseResult<ControllerCliOptions> {
  return parseOptions({ info: controllerOptionInfo, schema: controllerOptionsSchema, flags, env });
}
