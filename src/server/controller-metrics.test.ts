import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ControllerMetrics } from './controller-metrics.js';

describe('ControllerMetrics', () => {
  it('counts API requests by verb, resource and code, and observes reconciles', async () => {
    const registry = new Registry();
    const m = new ControllerMetrics(registry);
    m.apiRequest({ verb: 'GET', resource: 'deployments/scale', status: 200 });
    m.apiRequest({ verb: 'GET', resource: 'deployments/scale', status: 200 });
    m.apiRequest({ verb: 'PATCH', resource: 'elasticscalers/status', status: 0 });
    m.reconciled({ durationMs: 30, lateMs: 2000 });
    m.reconciled({ durationMs: 700, lateMs: null });
    m.reconciled({ durationMs: 1, lateMs: -100 });
    const text = await registry.metrics();
    expect(text).toContain(
      'tide_controller_api_requests_total{verb="GET",resource="deployments/scale",code="200"} 2',
    );
    expect(text).toContain(
      'tide_controller_api_requests_total{verb="PATCH",resource="elasticscalers/status",code="0"} 1',
    );
    expect(text).toContain('tide_controller_reconcile_duration_seconds_count 3');
    expect(text).toContain('tide_controller_reconcile_duration_seconds_bucket{le="0.05"} 2');
    // A periodic reconcile that began early counts as on time (0 s late); a woken one not at all.
    expect(text).toContain('tide_controller_reconcile_delay_seconds_count 2');
    expect(text).toContain('tide_controller_reconcile_delay_seconds_bucket{le="0.01"} 1');
    expect(text).toContain('tide_controller_reconcile_delay_seconds_bucket{le="2.5"} 2');
  });
});
