/**
 * Structured logs for every runtime (the local runner and the controller): one pino logger, JSON
 * lines on stdout or stderr by default, human-readable lines when the stream is a terminal (or
 * `format: 'pretty'`). Known secret-bearing fields are redacted by pino before a line is built;
 * sources already redact secrets from their own messages (sources/source.ts).
 *
 * Usage: `const log = createLogger({ level: 'info' }); log.info({ scaler, from, to }, 'scaled')`.
 *
 * @module
 */
import type { Writable } from 'node:stream';
import { pino, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';

export type Logger = PinoLogger;

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export const logFormats = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof logFormats)[number];

/** Field paths whose values are never written (credentials anywhere in a logged object). */
export const redactedPaths: readonly string[] = [
  'password',
  'token',
  'authorization',
  'secret',
  '*.password',
  '*.token',
  '*.authorization',
  '*.secret',
  'headers.authorization',
  '*.headers.authorization',
  'config.password',
  'config.bearerToken',
  'config.authParams',
];

export interface LoggerOptions {
  readonly level: LogLevel;
  /** `auto`: pretty when the destination is a terminal, JSON otherwise. */
  readonly format?: LogFormat;
  /** Where lines go; default process.stderr (stdout stays free for a command's own output). */
  readonly destination?: Writable & { readonly isTTY?: boolean };
  /** Fields on every line (for example `{ component: 'controller' }`). */
  readonly base?: Readonly<Record<string, unknown>>;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? process.stderr;
  const format = options.format ?? 'auto';
  const human = format === 'pretty' || (format === 'auto' && destination.isTTY === true);
  const stream = human
    ? pretty({
        destination,
        colorize: destination.isTTY === true,
        sync: true,
        ignore: 'pid,hostname',
      })
    : destination;
  return pino(
    {
      level: options.level,
      base: { ...(options.base ?? {}) },
      redact: { paths: [...redactedPaths], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}
