/**
 * KEDA trigger types → Tide sources, one converter per type, alphabetically (KEDA's scaler
 * switch). Each reads the KEDA metadata it understands (`keda-params.ts` marks it used); the
 * target (`threshold`, `lagThreshold`, ...) and the activation threshold become the trigger's
 * `target.value` and `activation`. A setting Tide has no equivalent for is an error, except where
 * the difference is a known, documented one: then it is a note.
 *
 * @module
 */
import { describeField, invalid, note, unsupported } from './issues.js';
import { secretRefOf } from './keda-auth.js';
import {
  bool,
  durationMs,
  integer,
  num,
  onlyDefault,
  plain,
  plainOrRef,
  required,
  secret,
  type TriggerCtx,
} from './keda-params.js';

export interface Mapped {
  /** Tide's source type. */
  readonly type: string;
  readonly config: Record<string, unknown>;
  /** KEDA's target value; undefined for cron (Tide's default, as KEDA's). */
  readonly target?: number | undefined;
  readonly activation?: number | undefined;
}

type Converter = (ctx: TriggerCtx) => Mapped;

const defined = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/**
 * `a=b,c=d` (KEDA's customHeaders) as a map, keys and values trimmed; as in KEDA, an entry that is
 * not exactly one `key=value` pair is an error.
 */
function headerMap(ctx: TriggerCtx, key: string): Record<string, string> | undefined {
  const text = plain(ctx, key);
  if (text === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const entry of text.split(',')) {
    const kv = entry.trim().split('=');
    const [name, value] = kv.map((s) => s.trim());
    if (kv.length !== 2 || name === undefined || value === undefined) {
      const field = `${ctx.field}.metadata.${key}`;
      invalid(
        ctx.sink,
        field,
        describeField(field, text, `entry ${JSON.stringify(entry.trim())} is not key=value`),
      );
      return undefined;
    }
    out[name] = value;
  }
  return out;
}

/** KEDA's HTTP authentication modes (`authModes`), and those Tide's sources have. */
const authModes = ['apiKey', 'basic', 'tls', 'bearer', 'custom', 'oauth'] as const;
type AuthMode = (typeof authModes)[number];

/** An authentication parameter (KEDA reads it from the TriggerAuthentication only). */
function authParam(ctx: TriggerCtx, name: string): Record<string, string> | undefined {
  const source = ctx.params.get(name);
  if (source === undefined) return undefined;
  ctx.used.add(`auth.${name}`);
  return source.from === 'metadata' ? undefined : secretRefOf(source, ctx);
}

/** The parameters each mode needs, as KEDA's authentication config validates them, and may take. */
const modeParams: Readonly<
  Record<
    Exclude<AuthMode, 'basic' | 'bearer'>,
    { readonly needs: readonly string[]; readonly may: readonly string[] }
  >
> = {
  tls: { needs: ['cert', 'key'], may: ['ca'] },
  custom: { needs: ['customAuthHeader', 'customAuthValue'], may: [] },
  apiKey: { needs: ['apiKey'], may: ['method', 'keyParamName'] },
  oauth: {
    needs: ['oauthTokenURI', 'clientID'],
    may: ['clientSecret', 'scopes', 'endpointParams'],
  },
};

/** `authModes` (or `authMode`) as KEDA validates it; null (after an issue) when invalid. */
function parseAuthModes(
  ctx: TriggerCtx,
  field: string,
  text: string | undefined,
): AuthMode[] | null {
  const modes = (text ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  if (modes.some((m) => !(authModes as readonly string[]).includes(m))) {
    invalid(ctx.sink, field, describeField(field, text, `must be one of ${authModes.join(', ')}`));
    return null;
  }
  if (modes.filter((m) => m === 'bearer' || m === 'basic' || m === 'oauth').length > 1) {
    invalid(
      ctx.sink,
      field,
      describeField(field, text, 'must contain only one of bearer, basic, oauth'),
    );
    return null;
  }
  return modes as AuthMode[];
}

/** One mode's credentials into `out`, or the issue that it lacks them or Tide cannot use them. */
function authMode(
  ctx: TriggerCtx,
  mode: AuthMode,
  at: { field: string; text: string | undefined },
  out: Record<string, unknown>,
): void {
  const { field } = at;
  if (mode === 'bearer') {
    out.bearerToken = authParam(ctx, 'bearerToken') ?? authParam(ctx, 'token');
    if (out.bearerToken === undefined)
      invalid(
        ctx.sink,
        field,
        `${field}: bearer auth needs the parameter bearerToken (or token) in the TriggerAuthentication`,
      );
    return;
  }
  if (mode === 'basic') {
    out.username = authParam(ctx, 'username');
    out.password = authParam(ctx, 'password');
    if (out.username === undefined)
      invalid(
        ctx.sink,
        field,
        `${field}: basic auth needs the parameter username in the TriggerAuthentication`,
      );
    return;
  }
  // Tide cannot use this mode: its parameters are covered by the one issue on the mode.
  const { needs, may } = modeParams[mode];
  for (const p of [...needs, ...may]) if (ctx.params.has(p)) ctx.used.add(`auth.${p}`);
  const missing = needs.filter((p) => !ctx.params.has(p));
  if (missing.length > 0)
    invalid(
      ctx.sink,
      field,
      `${field}: ${mode} auth needs the parameters ${missing.join(' and ')}`,
    );
  else
    unsupported(
      ctx.sink,
      field,
      describeField(
        field,
        at.text,
        `Tide's ${ctx.type} source authenticates with basic or bearer only`,
      ),
    );
}

/**
 * KEDA's HTTP authentication (`authModes`/`authMode` of the prometheus and metrics-api scalers):
 * bearer (`bearerToken` or `token`) and basic (`username`, `password`) come from the
 * TriggerAuthentication and become secret references; a mode without its parameters, an unknown
 * mode or two of bearer/basic/oauth are errors as in KEDA; tls, custom, apiKey and oauth, which
 * Tide's sources do not have, are unsupported.
 */
function httpAuth(ctx: TriggerCtx): Record<string, unknown> {
  const modeKey =
    ctx.metadata.authModes === undefined && ctx.metadata.authMode !== undefined
      ? 'authMode'
      : 'authModes';
  const field = `${ctx.field}.metadata.${modeKey}`;
  const text = plain(ctx, modeKey);
  const out: Record<string, unknown> = {};
  for (const mode of parseAuthModes(ctx, field, text) ?? [])
    authMode(ctx, mode, { field, text }, out);
  return defined(out);
}

const prometheus: Converter = (ctx) => {
  const config = defined({
    serverAddress: required(ctx, 'serverAddress'),
    query: required(ctx, 'query'),
    // KEDA's prometheus scaler fails on a query that returns more than one series.
    reduce: 'single',
    headers: headerMap(ctx, 'customHeaders'),
    timeoutMs: durationMs(ctx, 'timeout'),
    ...httpAuth(ctx),
  });
  onlyDefault(ctx, 'unsafeSsl', 'false', 'always verifies TLS certificates');
  for (const key of ['namespace', 'queryParameters', 'awsRegion', 'identityOwner'])
    onlyDefault(ctx, key, '', `has no ${key} setting`);
  if (bool(ctx, 'ignoreNullValues', true)) {
    note(
      ctx.sink,
      `${ctx.field}.metadata.ignoreNullValues`,
      `${ctx.field}: KEDA reads an empty result as 0 (ignoreNullValues); Tide reads it as a failed read, which never shrinks the target: append "or vector(0)" to the query for KEDA's behaviour`,
    );
  }
  return {
    type: 'prometheus',
    config,
    target: num(ctx, 'threshold'),
    activation: num(ctx, 'activationThreshold', 0),
  };
};

/** KEDA's GJSON path (`a.b.0.c`) as Tide's value path (`a.b[0].c`). */
function valuePath(location: string | undefined): string | undefined {
  return location
    ?.split('.')
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`))
    .join('');
}

const metricsApi: Converter = (ctx) => {
  const config = defined({
    url: required(ctx, 'url'),
    valuePath: valuePath(required(ctx, 'valueLocation')),
    ...httpAuth(ctx),
    timeoutMs: durationMs(ctx, 'timeout'),
  });
  onlyDefault(ctx, 'format', 'json', 'reads JSON only');
  onlyDefault(ctx, 'unsafeSsl', 'false', 'always verifies TLS certificates');
  onlyDefault(
    ctx,
    'aggregateFromKubeServiceEndpoints',
    'false',
    'reads one URL, not every endpoint of a Service',
  );
  onlyDefault(ctx, 'aggregationType', 'average', 'reads one URL (no aggregation)');
  return {
    type: 'http',
    config,
    target: num(ctx, 'targetValue'),
    activation: num(ctx, 'activationTargetValue', 0),
  };
};

/** A RabbitMQ URL (`amqp://user@host:5672/vhost`); a password in it is never copied. */
function rabbitHost(ctx: TriggerCtx, text: string): Record<string, unknown> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { host: text };
  }
  if (url.password !== '') {
    unsupported(
      ctx.sink,
      `${ctx.field}.metadata.host`,
      `${ctx.field}.metadata.host: the URL holds a password in plain text; Tide takes secrets only by reference: put the host without it in the ScaledObject and the password in a Secret (TriggerAuthentication parameter password)`,
    );
  }
  const amqp = url.protocol.startsWith('amqp');
  const vhost = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return defined({
    protocol: amqp ? 'amqp' : 'http',
    host: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    tls: url.protocol === 'amqps:' || url.protocol === 'https:' ? true : undefined,
    vhost: vhost === '' ? undefined : vhost,
    username: url.username === '' ? undefined : decodeURIComponent(url.username),
  });
}

const rabbitModes = [
  'QueueLength',
  'MessageRate',
  'DeliverGetRate',
  'PublishedToDeliveredRatio',
  'ExpectedQueueConsumptionTime',
] as const;

/**
 * KEDA's rabbitmq trigger value: nothing set = QueueLength 20; the deprecated `queueLength` alone;
 * or `mode` with `value` (both, non-zero), the rate modes over HTTP only. QueueLength over the
 * management API counts ready and unacknowledged messages (ready only with excludeUnacknowledged);
 * over AMQP a passive declare sees the ready ones only. MessageRate is the publish rate; the other
 * modes Tide's source does not read.
 */
function rabbitMetric(
  ctx: TriggerCtx,
  protocol: unknown,
): { metric: string; target: number | undefined } {
  const mode = plain(ctx, 'mode');
  const legacy = num(ctx, 'queueLength') ?? 0;
  const value = num(ctx, 'value') ?? 0;
  const queue = rabbitQueueMetric(ctx, protocol);
  const modeOrValue = mode !== undefined || value !== 0;
  if (legacy !== 0 || !modeOrValue) return rabbitLegacy(ctx, { legacy, modeOrValue, queue });
  if (mode === undefined || value === 0) {
    const field = `${ctx.field}.metadata.${mode === undefined ? 'mode' : 'value'}`;
    invalid(
      ctx.sink,
      field,
      `${field} = missing: KEDA's rabbitmq scaler needs mode and value together`,
    );
    return { metric: queue, target: undefined };
  }
  rabbitMode(ctx, mode, protocol);
  return { metric: mode === 'MessageRate' ? 'publishRate' : queue, target: value };
}

/** Nothing set: QueueLength 20; the deprecated queueLength alone: QueueLength at that value. */
function rabbitLegacy(
  ctx: TriggerCtx,
  at: { legacy: number; modeOrValue: boolean; queue: string },
): { metric: string; target: number } {
  if (at.legacy === 0) return { metric: at.queue, target: 20 };
  if (at.modeOrValue) {
    const field = `${ctx.field}.metadata.queueLength`;
    invalid(
      ctx.sink,
      field,
      `${field}: deprecated, and not with mode or value: use mode and value`,
    );
  }
  return { metric: at.queue, target: at.legacy };
}

/** The queue-length metric: ready messages with excludeUnacknowledged (HTTP only) or over AMQP. */
function rabbitQueueMetric(ctx: TriggerCtx, protocol: unknown): string {
  const excludeUnacked = bool(ctx, 'excludeUnacknowledged', false);
  if (excludeUnacked && protocol !== 'http') {
    const field = `${ctx.field}.metadata.excludeUnacknowledged`;
    invalid(ctx.sink, field, `${field}: KEDA allows it only with the HTTP protocol`);
  }
  return excludeUnacked || protocol === 'amqp' ? 'messagesReady' : 'messages';
}

/** KEDA's modes (the rate modes over HTTP only); Tide reads QueueLength and MessageRate. */
function rabbitMode(ctx: TriggerCtx, mode: string, protocol: unknown): void {
  const field = `${ctx.field}.metadata.mode`;
  if (!(rabbitModes as readonly string[]).includes(mode)) {
    invalid(
      ctx.sink,
      field,
      describeField(field, mode, `must be one of ${rabbitModes.join(', ')}`),
    );
  } else if (mode !== 'QueueLength' && protocol !== 'http') {
    invalid(ctx.sink, field, describeField(field, mode, 'KEDA reads this mode over HTTP only'));
  } else if (mode !== 'QueueLength' && mode !== 'MessageRate') {
    const rule = "Tide's rabbitmq source reads QueueLength and MessageRate";
    unsupported(ctx.sink, field, describeField(field, mode, rule));
  }
}

/** KEDA's `protocol` (auto: from the host URL's scheme, which must then be amqp(s) or http(s)). */
function rabbitProtocol(ctx: TriggerCtx, hostText: string | undefined): string | undefined {
  const explicit = plain(ctx, 'protocol');
  if (explicit !== undefined && explicit !== 'auto') {
    const field = `${ctx.field}.metadata.protocol`;
    if (explicit !== 'amqp' && explicit !== 'http')
      invalid(ctx.sink, field, describeField(field, explicit, 'must be amqp, http or auto'));
    return explicit;
  }
  return hostText === undefined ? undefined : protocolOfUrl(ctx, hostText);
}

/** amqp for an amqp(s):// host URL, http for http(s)://; any other is KEDA's error. */
function protocolOfUrl(ctx: TriggerCtx, hostText: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(hostText)?.[1]?.toLowerCase() ?? '';
  if (scheme === 'amqp' || scheme === 'amqps') return 'amqp';
  if (scheme === 'http' || scheme === 'https') return 'http';
  const field = `${ctx.field}.metadata.host`;
  const rule = 'protocol auto needs an amqp://, amqps://, http:// or https:// URL';
  invalid(ctx.sink, field, describeField(field, hostText, rule));
  return undefined;
}

const rabbitmq: Converter = (ctx) => {
  const hostText = required(ctx, 'host');
  const fromUrl = hostText === undefined ? {} : rabbitHost(ctx, hostText);
  const vhostName = plain(ctx, 'vhostName');
  const protocol = rabbitProtocol(ctx, hostText);
  const { metric, target } = rabbitMetric(ctx, protocol);
  const config = defined({
    ...fromUrl,
    protocol,
    ...(vhostName === undefined ? {} : { vhost: vhostName }),
    username: plain(ctx, 'username') ?? fromUrl.username,
    password: secret(ctx, 'password'),
    queue: required(ctx, 'queueName'),
    metric,
    timeoutMs: durationMs(ctx, 'timeout'),
  });
  if (protocol === 'amqp' && config.timeoutMs !== undefined) {
    const field = `${ctx.field}.metadata.timeout`;
    invalid(ctx.sink, field, `${field}: KEDA's rabbitmq scaler takes no timeout over AMQP`);
  }
  onlyDefault(ctx, 'useRegex', 'false', 'reads one queue by name');
  onlyDefault(ctx, 'operation', 'sum', 'reads one queue by name');
  onlyDefault(ctx, 'pageSize', '100', 'reads one queue by name');
  onlyDefault(ctx, 'unsafeSsl', 'false', 'always verifies TLS certificates');
  return { type: 'rabbitmq', config, target, activation: num(ctx, 'activationValue', 0) };
};

/**
 * `address` (`host:port`) or `host` + `port` (KEDA needs one or the other), database, TLS and
 * credentials of a Redis trigger. The address, the host and the user name may come from a
 * variable or the TriggerAuthentication, as in KEDA: they become secret references.
 */
function redisConnection(ctx: TriggerCtx): Record<string, unknown> {
  const endpoint = redisEndpoint(ctx);
  for (const key of ['addresses', 'hosts', 'ports', 'sentinelMaster', 'sentinelUsername'])
    onlyDefault(ctx, key, '', 'reads one Redis server (no cluster or sentinel)');
  onlyDefault(ctx, 'unsafeSsl', 'false', 'always verifies TLS certificates');
  return defined({
    ...endpoint,
    db: integer(ctx, 'databaseIndex'),
    tls: bool(ctx, 'enableTLS', false) ? true : undefined,
    username: plainOrRef(ctx, 'username'),
    password: secret(ctx, 'password'),
  });
}

type RedisEndpoint =
  | { readonly address: Record<string, string> }
  | { readonly host: unknown; readonly port: number | undefined };

/** The address (a reference) or host and port; missing only when none was given at all. */
function redisEndpoint(ctx: TriggerCtx): RedisEndpoint {
  const before = ctx.sink.issues.length;
  const address = plainOrRef(ctx, 'address');
  if (address !== undefined && typeof address !== 'string') {
    // KEDA connects to the (first) address; host and port beside it are not used.
    for (const key of ['host', 'port'].filter((k) => ctx.metadata[k] !== undefined)) {
      ctx.used.add(`metadata.${key}`);
      note(
        ctx.sink,
        `${ctx.field}.metadata.${key}`,
        `${ctx.field}.metadata.${key}: not used, as in KEDA: the trigger connects to its address`,
      );
    }
    return { address };
  }
  const [host, port] =
    address === undefined ? [plainOrRef(ctx, 'host'), plain(ctx, 'port')] : address.split(':');
  if (ctx.sink.issues.length === before) {
    if (host === undefined) required(ctx, 'address');
    else if (port === undefined) {
      const field = `${ctx.field}.metadata.port`;
      invalid(
        ctx.sink,
        field,
        `${field} = missing: KEDA needs host and port together (or address)`,
      );
    }
  }
  return { host, port: port === undefined ? undefined : Number(port) };
}

const redis: Converter = (ctx) => ({
  type: 'redis',
  config: { ...redisConnection(ctx), metric: 'listLength', key: required(ctx, 'listName') },
  target: integer(ctx, 'listLength', 5),
  activation: integer(ctx, 'activationListLength', 0),
});

const redisStreams: Converter = (ctx) => {
  const lag = integer(ctx, 'lagCount');
  onlyDefault(
    ctx,
    'streamLength',
    '',
    "reads a consumer group's lag or pending entries, not the stream length",
  );
  return {
    type: 'redis',
    config: defined({
      ...redisConnection(ctx),
      metric: lag === undefined ? 'streamPending' : 'streamLag',
      key: required(ctx, 'stream'),
      group: required(ctx, 'consumerGroup'),
    }),
    target: lag ?? integer(ctx, 'pendingEntriesCount', 5),
    activation: integer(ctx, 'activationLagCount', 0),
  };
};

const saslMechanisms: Readonly<Record<string, string>> = {
  plaintext: 'plain',
  scram_sha256: 'scram-sha-256',
  scram_sha512: 'scram-sha-512',
};

function kafkaSasl(ctx: TriggerCtx): Record<string, unknown> | undefined {
  const credentials = { username: plain(ctx, 'username'), password: secret(ctx, 'password') };
  const sasl = plain(ctx, 'sasl');
  if (sasl === undefined || sasl === 'none') return undefined;
  const mechanism = saslMechanisms[sasl];
  if (mechanism === undefined) {
    unsupported(
      ctx.sink,
      `${ctx.field}.metadata.sasl`,
      `${ctx.field}: sasl = ${JSON.stringify(sasl)}: Tide's kafka source supports plaintext, scram_sha256 and scram_sha512`,
    );
    return undefined;
  }
  return { mechanism, ...credentials };
}

/** KEDA's partitionLimitation: `1,2,10-12` (spaces allowed) as partition numbers. */
export function partitionList(text: string): number[] | undefined {
  const out: number[] = [];
  const int = (s: string): number | undefined => (/^\d+$/.test(s.trim()) ? Number(s) : undefined);
  for (const part of text.split(',')) {
    const bounds = part.split('-').map(int);
    const [from, to] = bounds;
    if (bounds.length > 2 || from === undefined || (bounds.length === 2 && to === undefined))
      return undefined;
    for (let i = from; i <= (to ?? from); i++) out.push(i);
  }
  return out;
}

/** partitionLimitation: a list when `topic` is set; KEDA ignores it without a topic. */
function kafkaPartitions(ctx: TriggerCtx, topic: string | undefined): number[] | undefined {
  const text = plain(ctx, 'partitionLimitation');
  if (text === undefined || text.trim() === '') return undefined;
  const field = `${ctx.field}.metadata.partitionLimitation`;
  const list = partitionList(text);
  if (list === undefined) {
    invalid(
      ctx.sink,
      field,
      describeField(field, text, 'must be partitions and ranges, e.g. 1,2,10-12'),
    );
    return undefined;
  }
  if (topic !== undefined) return list;
  note(
    ctx.sink,
    field,
    `${field}: KEDA ignores partitionLimitation without a topic, and so does the import`,
  );
  return undefined;
}

/** version: Tide negotiates the protocol version; one KEDA would reject is still an error. */
function kafkaVersion(ctx: TriggerCtx): void {
  const text = plain(ctx, 'version');
  if (text === undefined) return;
  const field = `${ctx.field}.metadata.version`;
  if (/^(0\.\d+\.\d+\.\d+|[1-9]\d*\.\d+\.\d+)$/.test(text)) {
    note(
      ctx.sink,
      field,
      `${field}: Tide's kafka client negotiates the protocol version with the broker`,
    );
  } else {
    invalid(ctx.sink, field, describeField(field, text, 'must be a Kafka version such as 2.8.0'));
  }
}

/** fullMetadata: Tide reads the metadata of the topics it needs; KEDA needs a topic for false. */
function kafkaFullMetadata(ctx: TriggerCtx, topic: string | undefined): void {
  if (bool(ctx, 'fullMetadata', true) || topic !== undefined) return;
  const field = `${ctx.field}.metadata.fullMetadata`;
  invalid(
    ctx.sink,
    field,
    `${field} = "false": KEDA needs topic to be set when fullMetadata is false`,
  );
}

const kafkaFlags = [
  'allowIdleConsumers',
  'excludePersistentLag',
  'scaleToZeroOnInvalidOffset',
  'limitToPartitionsWithLag',
  'ensureEvenDistributionOfPartitions',
] as const;

const kafka: Converter = (ctx) => {
  const topic = plain(ctx, 'topic');
  const flags = Object.fromEntries(
    kafkaFlags.map((k) => [k, bool(ctx, k, false) ? true : undefined]),
  );
  const config = defined({
    brokers: required(ctx, 'bootstrapServers')
      ?.split(',')
      .map((b) => b.trim()),
    group: required(ctx, 'consumerGroup'),
    topic,
    partitionLimitation: kafkaPartitions(ctx, topic),
    offsetResetPolicy: plain(ctx, 'offsetResetPolicy'),
    ...flags,
    tls: plain(ctx, 'tls') === 'enable' ? true : undefined,
    sasl: kafkaSasl(ctx),
  });
  onlyDefault(ctx, 'unsafeSsl', 'false', 'always verifies TLS certificates');
  kafkaVersion(ctx);
  kafkaFullMetadata(ctx, topic);
  return {
    type: 'kafka',
    config,
    target: integer(ctx, 'lagThreshold', 10),
    activation: integer(ctx, 'activationLagThreshold', 0),
  };
};

function sqlConnection(ctx: TriggerCtx, keys: { user: string }): Record<string, unknown> {
  let connection = false;
  for (const key of ['connection', 'connectionString']) {
    if (ctx.metadata[`${key}FromEnv`] !== undefined || ctx.params.has(key)) {
      connection = true;
      plain(ctx, key);
      unsupported(
        ctx.sink,
        `${ctx.field}.metadata.${key}`,
        `${ctx.field}: a ${key} is one secret holding host, user and password; Tide's ${ctx.type} source takes host, port, database and user as settings and the password by reference`,
      );
    }
  }
  // KEDA reads the connection string instead of host, database and user: they are not missing.
  if (connection) return defined({ query: required(ctx, 'query') });
  return defined({
    host: required(ctx, 'host'),
    port: num(ctx, 'port'),
    database: required(ctx, 'dbName'),
    user: required(ctx, keys.user),
    password: secret(ctx, 'password'),
    query: required(ctx, 'query'),
  });
}

const postgresql: Converter = (ctx) => {
  const sslmode = plain(ctx, 'sslmode');
  return {
    type: 'postgresql',
    config: defined({
      ...sqlConnection(ctx, { user: 'userName' }),
      tls: sslmode !== undefined && sslmode !== 'disable' ? true : undefined,
    }),
    target: num(ctx, 'targetQueryValue'),
    activation: num(ctx, 'activationTargetQueryValue', 0),
  };
};

const mysql: Converter = (ctx) => ({
  type: 'mysql',
  config: sqlConnection(ctx, { user: 'username' }),
  target: num(ctx, 'queryValue'),
  activation: num(ctx, 'activationQueryValue', 0),
});

/** KEDA needs `accountID` or `account` (the ID wins); Tide reads the default account, `$G`. */
function natsAccount(ctx: TriggerCtx): void {
  const before = ctx.sink.issues.length;
  const id = plain(ctx, 'accountID');
  const name = plain(ctx, 'account');
  const field = `${ctx.field}.metadata.${id === undefined ? 'account' : 'accountID'}`;
  const account = id ?? name;
  if (account === undefined && ctx.sink.issues.length === before) {
    invalid(
      ctx.sink,
      field,
      `${field} = missing: KEDA's nats-jetstream scaler needs account or accountID`,
    );
  } else if (account !== undefined && account !== '$G') {
    unsupported(
      ctx.sink,
      field,
      describeField(field, account, `Tide's nats source reads the default account ($G)`),
    );
  }
}

const natsJetstream: Converter = (ctx) => {
  const endpoint = required(ctx, 'natsServerMonitoringEndpoint');
  natsAccount(ctx);
  onlyDefault(ctx, 'useHttps', 'false', 'connects with the NATS protocol');
  note(
    ctx.sink,
    `${ctx.field}.metadata.natsServerMonitoringEndpoint`,
    `${ctx.field}: KEDA reads NATS's monitoring endpoint ${String(endpoint)}; Tide's nats source connects to the client port (4222) of the same host: check host and port in the spec`,
  );
  return {
    type: 'nats',
    config: {
      host: endpoint?.split(':')[0],
      stream: required(ctx, 'stream'),
      consumer: required(ctx, 'consumer'),
      metric: 'total',
    },
    target: integer(ctx, 'lagThreshold', 10),
    activation: integer(ctx, 'activationLagThreshold', 0),
  };
};

const cron: Converter = (ctx) => ({
  type: 'cron',
  config: defined({
    timezone: required(ctx, 'timezone'),
    start: required(ctx, 'start'),
    end: required(ctx, 'end'),
    desiredReplicas: num(ctx, 'desiredReplicas'),
  }),
});

/** Converters by KEDA trigger type, alphabetically. */
export const kedaConverters: Readonly<Record<string, Converter>> = {
  cron,
  kafka,
  'metrics-api': metricsApi,
  mysql,
  'nats-jetstream': natsJetstream,
  postgresql,
  prometheus,
  rabbitmq,
  redis,
  'redis-streams': redisStreams,
};
