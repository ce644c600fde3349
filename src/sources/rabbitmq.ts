/**
 * `rabbitmq`: a queue's depth or publish rate. Over the management HTTP API (`protocol: http`,
 * `GET /api/queues/{vhost}/{queue}`): messages ready, unacknowledged, both (`messages`), or the
 * publish rate per second. Over AMQP (`protocol: amqp`, a passive `queue.declare`): messages
 * ready only. One keep-alive HTTP agent or one AMQP connection per source, reused across reads.
 *
 * The management API's counts are as fresh as the server's `collect_statistics_interval`
 * (5 s by default); AMQP's are exact.
 *
 * @module
 */
import amqp from 'amqplib';
import { z } from 'zod';
import { HttpClient, authHeaders, getJson } from './http-client.js';
import {
  LazyConnection,
  SourceError,
  commonSourceKeys,
  resolveSecret,
  secretRefSchema,
  withTimeout,
  wrapError,
  type Source,
  type SourceDeps,
  type SourceErrorCode,
} from './source.js';

export const rabbitmqMetrics = [
  'messages',
  'messagesReady',
  'messagesUnacknowledged',
  'publishRate',
] as const;
export type RabbitmqMetric = (typeof rabbitmqMetrics)[number];

export const rabbitmqSchema = z
  .object({
    protocol: z.enum(['http', 'amqp']).default('http'),
    host: z.string().min(1),
    /** Default: 15672 for http, 5672 for amqp (5671 with tls). */
    port: z.int().min(1).max(65_535).optional(),
    tls: z.boolean().default(false),
    vhost: z.string().min(1).default('/'),
    queue: z.string().min(1),
    username: z.string().min(1).default('guest'),
    password: secretRefSchema.optional(),
    /** `messages` = ready + unacknowledged (what KEDA's QueueLength reads). */
    metric: z.enum(rabbitmqMetrics).default('messages'),
    ...commonSourceKeys,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.protocol === 'amqp' && c.metric !== 'messagesReady') {
      ctx.addIssue({
        code: 'custom',
        path: ['metric'],
        message: `metric = ${c.metric}: over amqp only messagesReady can be read (use protocol: http)`,
      });
    }
  })
  .transform((c) => ({ ...c, port: c.port ?? defaultPort(c.protocol, c.tls) }));
export type RabbitmqConfig = z.output<typeof rabbitmqSchema>;

function defaultPort(protocol: 'http' | 'amqp', tls: boolean): number {
  if (protocol === 'http') return tls ? 15671 : 15672;
  return tls ? 5671 : 5672;
}

const queueSchema = z.object({
  messages: z.number().optional(),
  messages_ready: z.number().optional(),
  messages_unacknowledged: z.number().optional(),
  message_stats: z
    .object({ publish_details: z.object({ rate: z.number() }).optional() })
    .optional(),
});

/** Reads one metric from a management API queue object; a missing field is `NoData`. */
export function decodeQueue(body: unknown, metric: RabbitmqMetric, doing: string): number {
  const parsed = queueSchema.safeParse(body);
  if (!parsed.success) throw new SourceError('BadValue', `${doing}: unexpected response shape`);
  const q = parsed.data;
  const value = {
    messages: q.messages,
    messagesReady: q.messages_ready,
    messagesUnacknowledged: q.messages_unacknowledged,
    // No publish since the queue was created: the API omits the stats; the rate is then 0.
    publishRate:
      q.message_stats?.publish_details?.rate ?? (q.messages === undefined ? undefined : 0),
  }[metric];
  if (value === undefined) {
    throw new SourceError('NoData', `${doing}: the server has no ${metric} statistics yet`);
  }
  return value;
}

/** AMQP failures: 403 ACCESS_REFUSED = Unauthorized, 404 NOT_FOUND = BadQuery. */
export function amqpErrorCode(e: unknown): SourceErrorCode {
  const message = e instanceof Error ? e.message : String(e);
  if (/ACCESS[-_]REFUSED|403/.test(message)) return 'Unauthorized';
  if (/NOT_FOUND|404/.test(message)) return 'BadQuery';
  return 'Unavailable';
}

export function createRabbitmqSource(config: RabbitmqConfig, deps: SourceDeps): Source {
  const where = `${config.host}:${config.port} vhost ${JSON.stringify(config.vhost)}`;
  const doing = `reading rabbitmq ${config.metric} of queue ${JSON.stringify(config.queue)} at ${where}`;
  const read =
    config.protocol === 'http' ? httpReader(config, deps, doing) : amqpReader(config, deps, doing);
  return {
    read: (signal) =>
      withTimeout(signal, { timeoutMs: config.timeoutMs, doing }, async (inner) => ({
        timestamp: deps.now(),
        valuesMilli: [Math.round((await read.value(inner)) * 1000)],
      })),
    close: () => read.close(),
  };
}

interface Reader {
  value(signal: AbortSignal): Promise<number>;
  close(): Promise<void>;
}

function httpReader(config: RabbitmqConfig, deps: SourceDeps, doing: string): Reader {
  const client = new HttpClient();
  const scheme = config.tls ? 'https' : 'http';
  const path = `api/queues/${encodeURIComponent(config.vhost)}/${encodeURIComponent(config.queue)}`;
  const url = new URL(`${scheme}://${config.host}:${config.port}/${path}`);
  return {
    value: async (signal) => {
      const password = await resolveSecret(config.password, deps, 'password');
      const secrets = password === undefined ? [] : [password];
      const headers = authHeaders({ username: config.username, password: password ?? 'guest' });
      const body = await getJson(client, { url, signal, headers }, { doing, secrets });
      return decodeQueue(body, config.metric, doing);
    },
    close: () => {
      client.close();
      return Promise.resolve();
    },
  };
}

function amqpReader(config: RabbitmqConfig, deps: SourceDeps, doing: string): Reader {
  let channel: Promise<amqp.Channel> | null = null;
  let secrets: string[] = [];

  const open = async (): Promise<amqp.ChannelModel> => {
    const password = (await resolveSecret(config.password, deps, 'password')) ?? 'guest';
    secrets = [password];
    const model = await amqp.connect(
      {
        protocol: config.tls ? 'amqps' : 'amqp',
        hostname: config.host,
        port: config.port,
        username: config.username,
        password,
        vhost: config.vhost,
      },
      { timeout: config.timeoutMs },
    );
    model.on('error', () => undefined);
    model.on('close', () => {
      channel = null;
      connection.drop(model);
    });
    return model;
  };
  const connection: LazyConnection<amqp.ChannelModel> = new LazyConnection({
    open,
    end: (model) => model.close(),
  });

  const openChannel = async (): Promise<amqp.Channel> => {
    const ch = await (await connection.get()).createChannel();
    ch.on('error', () => undefined);
    // A failed passive declare closes the channel: open a new one on the next read.
    ch.on('close', () => (channel = null));
    return ch;
  };

  return {
    value: async () => {
      try {
        channel ??= openChannel();
        return (await (await channel).checkQueue(config.queue)).messageCount;
      } catch (e) {
        const code = amqpErrorCode(e);
        if (code !== 'BadQuery') connection.drop();
        channel = null;
        throw wrapError(e, code, { doing, secrets });
      }
    },
    close: () => {
      channel = null;
      return connection.close();
    },
  };
}
