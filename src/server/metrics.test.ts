import { describe, expect, it } from 'vitest';
import { decide } from '../core/decide.js';
import { initialState, type Decision, type Observation } from '../core/model.js';
import { scalerSpecSchema } from '../core/spec.js';
import { TideMetrics } from './metrics.js';

const t0 = Date.UTC(2024, 0, 1);

const spec = scalerSpecSchema.parse({
  minReplicas: 1,
  maxReplicas: 20,
  triggers: [
    { name: 'rps', type: 'prometheus', target: { type: 'AverageValue', value: 100 } },
    { name: 'queue', type: 'redis', target: { type: 'AverageValue', value: 10 } },
  ],
  prediction: { mode: 'off' },
});

const ok = (total: number, now: number) =>
  ({ status: 'ok', timestamp: now, valuesMilli: [total * 1000] }) as const;

function decision(metrics: Observation['metrics'], current = 2): Decision {
  return decide(spec, { currentReplicas: current, pods: [], metrics }, initialState(), t0);
}

/** The value of one series in an exposition text; undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const record = async (m: TideMetrics, d: Decision, currentReplicas = 2): Promise<string> => {
  m.record({ scaler: 'web', decision: d, currentReplicas, now: t0 + 5000, durationSeconds: 0.02 });
  return (await m.expose()).body;
};

describe('TideMetrics', () => {
  it('exports the decision, its triggers and conditions per scaler', async () => {
    const m = new TideMetrics({ processMetrics: false });
    const text = await record(m, decision({ rps: ok(600, t0), queue: ok(30, t0) }));
    expect(sample(text, 'tide_desired_replicas{scaler="web"}')).toBe(6);
    expect(sample(text, 'tide_current_replicas{scaler="web"}')).toBe(2);
    expect(sample(text, 'tide_trigger_replicas{scaler="web",trigger="rps"}')).toBe(6);
    expect(sample(text, 'tide_trigger_replicas{scaler="web",trigger="queue"}')).toBe(3);
    expect(sample(text, 'tide_trigger_value{scaler="web",trigger="rps"}')).toBe(300);
    expect(sample(text, 'tide_decisions_total{scaler="web",result="rescale"}')).toBe(1);
    expect(sample(text, 'tide_tick_duration_seconds_count{scaler="web"}')).toBe(1);
    expect(sample(text, 'tide_last_decision_timestamp_seconds{scaler="web"}')).toBe(t0 / 1000 + 5);
    const able = 'tide_condition{scaler="web",condition="AbleToScale"';
    expect(sample(text, `${able},status="true"}`)).toBe(1);
    expect(sample(text, `${able},status="false"}`)).toBe(0);
    expect(sample(text, `${able},status="unknown"}`)).toBe(0);
    // Prediction off: it asked for nothing, so there is no series for it.
    expect(text).not.toContain('tide_predicted_replicas{');
    expect(text).not.toContain('process_cpu');
  });

  it('drops a failing trigger’s value, counts its error, and never exports the message', async () => {
    const m = new TideMetrics({ processMetrics: false });
    await record(m, decision({ rps: ok(600, t0), queue: ok(30, t0) }));
    const failed = decision({
      rps: ok(600, t0),
      queue: {
        status: 'error',
        error: { code: 'Unauthorized', message: 'password hunter2 refused', retryable: false },
      },
    });
    const text = await record(m, failed, 6);
    expect(text).not.toContain('trigger="queue"}');
    expect(
      sample(text, 'tide_trigger_errors_total{scaler="web",trigger="queue",code="Unauthorized"}'),
    ).toBe(1);
    expect(sample(text, 'tide_trigger_replicas{scaler="web",trigger="rps"}')).toBe(6);
    expect(text).not.toContain('hunter2');
    expect(sample(text, 'tide_decisions_total{scaler="web",result="unchanged"}')).toBe(1);
  });

  it('exports predictedReplicas while prediction asks for a count, and removes it after', async () => {
    const m = new TideMetrics({ processMetrics: false });
    const base = decision({ rps: ok(600, t0), queue: ok(30, t0) });
    let text = await record(m, { ...base, predictedReplicas: 9 });
    expect(sample(text, 'tide_predicted_replicas{scaler="web"}')).toBe(9);
    text = await record(m, base);
    expect(text).not.toContain('tide_predicted_replicas{');
  });

  it('counts a decision that could not be made as invalid', async () => {
    const m = new TideMetrics({ processMetrics: false });
    const text = await record(m, { ...decision({}), valid: false });
    expect(sample(text, 'tide_decisions_total{scaler="web",result="invalid"}')).toBe(1);
  });

  it('keeps separate registries, and Node process metrics unless turned off', async () => {
    const a = new TideMetrics();
    const b = new TideMetrics();
    const d = decision({ rps: ok(100, t0), queue: ok(1, t0) });
    a.record({ scaler: 'a', decision: d, currentReplicas: 1, now: t0, durationSeconds: 0 });
    const textB = (await b.expose()).body;
    expect(textB).not.toContain('scaler="a"');
    expect(textB).toContain('process_cpu_user_seconds_total');
    expect((await a.expose()).contentType).toMatch(/^text\/plain/);
  });
});
