/**
 * `nats`: a JetStream consumer's backlog from its consumer info: messages not yet delivered
 * (`num_pending`), delivered but not acknowledged (`num_ack_pending`), or both (`total`, the
 * default: all the work the consumer still has). One connection per source; after it closes the
 * next read opens a new one.
 *
 * @module
 */
import { connect, type ConnectionOptions, type NatsConnection } from 'nats';
import { z } from 'zod';
import {
  LazyConnection,
  commonSourceKeys,
  resolveSecret,
  secretRefSchema,
  withTimeout,
  wrapError,
  type Source,
  type SourceDeps,
  type SourceErrorCode,
} from './source.js';

export const natsMetrics = ['total', 'pending', 'ackPending'] as const;

export const natsSchema = z
  .object({
    host: z.string().min(1),
    port: z.int().min(1).max(65_535).default(4222),
    tls: z.boolean().default(false),
    /** Credentials: user + password, or a token. */
    username: z.string().min(1).optional(),
    password: secretRefSchema.optional(),
    token: secretRefSchema.optional(),
    stream: z.string().min(1),
    consumer: z.string().min(1),
    metric: z.enum(natsMetrics).default('total'),
    ...commonSourceKeys,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.password !== undefined && c.username === undefined) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'password requires username' });
    }
    if (c.token !== undefined && c.username !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: 'token and username are exclusive: use one kind of credentials',
      });
    }
  });
export type NatsConfig = z.output<typeof natsSchema>;

/** The backlog a consumer info reports for `metric`. */
export function consumerBacklog(
  info: { readonly num_pending: number; readonly num_ack_pending: number },
  metric: (typeof natsMetrics)[number],
): number {
  if (metric === 'pending') return info.num_pending;
  if (metric === 'ackPending') return info.num_ack_pending;
  return info.num_pending + info.num_ack_pending;
}

const natsCodes: Readonly<Record<string, SourceErrorCode>> = {
  AUTHORIZATION_VIOLATION: 'Unauthorized',
  BAD_AUTHENTICATION: 'Unauthorized',
  BAD_CREDS: 'Unauthorized',
  '404': 'BadQuery',
  TIMEOUT: 'Timeout',
  CONNECTION_TIMEOUT: 'Timeout',
};

/** NATS failures: authorization = Unauthorized, unknown stream/consumer = BadQuery. */
export function natsErrorCode(e: unknown): SourceErrorCode {
  const { code, api_error: apiError } = (e ?? {}) as {
    code?: unknown;
    api_error?: { code?: number };
  };
  if (apiError?.code === 404) return 'BadQuery';
  return natsCodes[String(code)] ?? 'Unavailable';
}

export function createNatsSource(config: NatsConfig, deps: SourceDeps): Source {
  const what = `consumer ${JSON.stringify(config.consumer)} of stream ${JSON.stringify(config.stream)}`;
  const doing = `reading nats ${config.metric} of ${what} at ${config.host}:${config.port}`;
  let secrets: string[] = [];

  const open = async (): Promise<NatsConnection> => {
    const password = await resolveSecret(config.password, deps, 'password');
    const token = await resolveSecret(config.token, deps, 'token');
    secrets = [password, token].filter((s): s is string => s !== undefined);
    const options: ConnectionOptions = {
      servers: `${config.host}:${config.port}`,
      timeout: config.timeoutMs,
      reconnect: false,
      name: 'tide',
      ...(config.tls ? { tls: {} } : {}),
      ...(config.username === undefined ? {} : { user: config.username }),
      ...(password === undefined ? {} : { pass: password }),
      ...(token === undefined ? {} : { token }),
    };
    const nc = await connect(options);
    void nc.closed().then(() => connection.drop(nc));
    return nc;
  };
  const connection: LazyConnection<NatsConnection> = new LazyConnection({
    open,
    end: (nc) => nc.close(),
  });

  return {
    read: (signal) =>
      withTimeout(signal, { timeoutMs: config.timeoutMs, doing }, async () => {
        try {
          const nc = await connection.get();
          const jsm = await nc.jetstreamManager({ timeout: config.timeoutMs });
          const info = await jsm.consumers.info(config.stream, config.consumer);
          return {
            timestamp: deps.now(),
            valuesMilli: [consumerBacklog(info, config.metric) * 1000],
          };
        } catch (e) {
          const code = natsErrorCode(e);
          if (code !== 'BadQuery') connection.drop();
          throw wrapError(e, code, { doing, secrets });
        }
      }),
    close: () => connection.close(),
  };
}
