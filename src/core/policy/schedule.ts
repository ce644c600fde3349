/**
 * The `schedule` policy: KEDA's cron trigger. A trigger `{type: cron, timezone, start, end,
 * desiredReplicas}` asks for at least `desiredReplicas` while inside its window and is inactive
 * outside it.
 *
 * KEDA's rule: take the next occurrence of `start` and of `end`, both strictly after now in the
 * trigger's time zone; if the next start comes before the next end we are outside a window
 * (inactive, metric 0), otherwise inside (active, metric desiredReplicas). The window is therefore
 * [start, end) at whole-minute resolution: at 09:00 sharp a `0 9 * * *`–`0 17 * * *` window is
 * active (next start is tomorrow 09:00, next end today 17:00); at 17:00 sharp it is not.
 *
 * @module
 */
import { z } from 'zod';
import {
  isValidTimeZone,
  nextOccurrence,
  parseCron,
  type CronExpression,
} from './cron-expression.js';

/** A cron trigger's own config (the keys besides name/type/target), strictly validated. */
export const cronTriggerConfigSchema = z
  .object({
    timezone: z.string().refine(isValidTimeZone, {
      message: 'must be an IANA time zone name such as Europe/Paris or Etc/UTC',
    }),
    start: z.string(),
    end: z.string(),
    desiredReplicas: z.int().min(1),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const key of ['start', 'end'] as const) {
      const parsed = parseCron(config[key]);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', path: [key], message: parsed.error });
      }
    }
    if (config.start === config.end) {
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: 'must differ from start',
      });
    }
  });
export type CronTriggerConfig = z.infer<typeof cronTriggerConfigSchema>;

/**
 * Issues of a cron trigger's config, each as `key = value: rule` (rules alone inside the schema,
 * so a ScalerSpec parse can prefix the trigger's path the same way).
 */
export function validateCronConfig(config: unknown): { path: string; message: string }[] {
  const result = cronTriggerConfigSchema.safeParse(config);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const key = issue.path.map(String).join('.');
    const value =
      config !== null && typeof config === 'object' && key !== ''
        ? (config as Record<string, unknown>)[key]
        : undefined;
    const shown = value === undefined ? 'missing' : JSON.stringify(value);
    return {
      path: key,
      message: key === '' ? issue.message : `${key} = ${shown}: ${issue.message}`,
    };
  });
}

export interface CronSchedule {
  readonly timezone: string;
  readonly start: CronExpression;
  readonly end: CronExpression;
  readonly desiredReplicas: number;
}

export type ScheduleResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Compiles a validated config. */
export function compileSchedule(config: CronTriggerConfig): ScheduleResult<CronSchedule> {
  const start = parseCron(config.start);
  if (!start.ok)
    return { ok: false, error: `start = ${JSON.stringify(config.start)}: ${start.error}` };
  const end = parseCron(config.end);
  if (!end.ok) return { ok: false, error: `end = ${JSON.stringify(config.end)}: ${end.error}` };
  return {
    ok: true,
    value: {
      timezone: config.timezone,
      start: start.value,
      end: end.value,
      desiredReplicas: config.desiredReplicas,
    },
  };
}

export interface WindowState {
  readonly active: boolean;
  /** desiredReplicas inside the window, 0 outside (KEDA's metric value). */
  readonly value: number;
  readonly nextStart: number | null;
  readonly nextEnd: number | null;
}

/** Whether `now` is inside the schedule's window, with the next start and end instants. */
export function scheduleWindow(schedule: CronSchedule, now: number): WindowState {
  const nextStart = nextOccurrence(schedule.start, schedule.timezone, now);
  const nextEnd = nextOccurrence(schedule.end, schedule.timezone, now);
  const outside = nextStart !== null && (nextEnd === null || nextStart < nextEnd);
  return { active: !outside, value: outside ? 0 : schedule.desiredReplicas, nextStart, nextEnd };
}

/**
 * KEDA's `parseCronMetadata` over string metadata: all four keys required and non-empty,
 * a loadable time zone, parseable start and end, desiredReplicas an integer ≠ 0, start ≠ end
 * (compared as strings).
 */
export function parseKedaCronMetadata(
  metadata: Readonly<Record<string, string>>,
): ScheduleResult<CronSchedule> {
  const problem = kedaMetadataProblem(metadata);
  if (problem !== null) return { ok: false, error: problem };
  const { timezone = '', start = '', end = '', desiredReplicas = '' } = metadata;
  return compileSchedule({ timezone, start, end, desiredReplicas: Number(desiredReplicas) });
}

function kedaMetadataProblem(metadata: Readonly<Record<string, string>>): string | null {
  const missing = ['timezone', 'start', 'end', 'desiredReplicas'].find(
    (key) => (metadata[key] ?? '') === '',
  );
  if (missing !== undefined) return `${missing} is required`;
  const { timezone = '', start = '', end = '', desiredReplicas = '' } = metadata;
  if (!isValidTimeZone(timezone))
    return `timezone = ${JSON.stringify(timezone)}: unknown time zone`;
  if (!/^[+-]?\d+$/.test(desiredReplicas) || Number(desiredReplicas) === 0) {
    return `desiredReplicas = ${JSON.stringify(desiredReplicas)}: must be a non-zero integer`;
  }
  if (start === end) return `end = ${JSON.stringify(end)}: must differ from start`;
  return null;
}

/** KEDA's metric name for a cron trigger: `s<index>-cron-<tz>-<start>-<end>`, normalized. */
export function cronMetricName(
  metadata: { readonly timezone: string; readonly start: string; readonly end: string },
  triggerIndex: number,
): string {
  const compact = (s: string): string =>
    s
      .replaceAll(' ', '')
      .replaceAll('*', 'x')
      .replaceAll('/', 'Sl')
      .replaceAll('?', 'Qm')
      .replaceAll(',', 'Cm');
  const raw = `cron-${metadata.timezone}-${compact(metadata.start)}-${compact(metadata.end)}`;
  return `s${triggerIndex}-${raw.replace(/[/.:%()]/g, '-')}`;
}
