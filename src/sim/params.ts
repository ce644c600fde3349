/**
 * The backtest model's parameters with DESIGN.md's defaults ("The simulator"). Numbers are only
 * comparable when the model is fixed, so every report prints the parameters it ran with.
 *
 * @module
 */
import { z } from 'zod';

export const simParamsSchema = z
  .object({
    /** The policy runs and the metrics are scraped every step (the HPA's sync period). */
    stepSeconds: z.number().positive().max(3600).default(15),
    /** The trace is scaled so that the peak of the simulated demand needs exactly this many. */
    peakReplicas: z.int().min(1).max(100_000).default(40),
    /** The SLO holds while utilization stays at or below this share of capacity. */
    sloUtilization: z.number().gt(0).max(1).default(0.9),
    /** A replica asked for at t is ready at t + startupSeconds (and paid for from t). */
    startupSeconds: z.number().min(0).max(86_400).default(60),
    /** Required replicas never go below this (0 in scale-to-zero studies). */
    minRequired: z.int().min(0).default(1),
    /** Metrics are scraped every scrapeSeconds (a multiple of stepSeconds). */
    scrapeSeconds: z.number().positive().default(15),
    /** The visible value is the mean of the scrapes in the last metricWindowSeconds... */
    metricWindowSeconds: z.number().positive().default(60),
    /** ...the newest of them metricLagSeconds old. */
    metricLagSeconds: z.number().min(0).default(15),
    /** Replicas each policy starts with, all ready; null = the required replicas at t = 0. */
    initialReplicas: z.int().min(0).nullable().default(null),
  })
  .strict()
  .superRefine((p, ctx) => {
    const multiple = (key: 'scrapeSeconds' | 'metricLagSeconds', value: number): void => {
      const k = value / p.stepSeconds;
      if (Math.abs(k - Math.round(k)) > 1e-9) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} = ${value}, must be a whole multiple of stepSeconds (${p.stepSeconds})`,
        });
      }
    };
    multiple('scrapeSeconds', p.scrapeSeconds);
    multiple('metricLagSeconds', p.metricLagSeconds);
  });

export type SimParams = z.output<typeof simParamsSchema>;
export type SimParamsInput = z.input<typeof simParamsSchema>;

export const defaultSimParams = (): SimParams => simParamsSchema.parse({});

/** Parses parameters; throws one Error listing every issue as `key = value, rule`. */
export function parseSimParams(input: SimParamsInput): SimParams {
  const result = simParamsSchema.safeParse(input);
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) => {
    if (issue.code === 'custom') return issue.message;
    const key = issue.path.map(String).join('.');
    const value = (input as Record<string, unknown>)[key];
    return `${key} = ${JSON.stringify(value)}: ${issue.message}`;
  });
  throw new Error(`invalid backtest parameters: ${messages.join('; ')}`);
}
