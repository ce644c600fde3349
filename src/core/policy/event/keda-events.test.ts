import { describe, expect, it } from 'vitest';
import {
  kedaFallbackEvent,
  kedaScaleEvent,
  kedaScalerFailedEvent,
  kedaTransition,
  kedaTransitionOfCounts,
  renderKedaEvent,
  type KedaScaleChange,
} from './keda-events.js';

const target = { kind: 'apps/v1.Deployment', namespace: 'shop', name: 'web' };
const change = (c: Partial<KedaScaleChange>): KedaScaleChange => ({
  transition: 'activation',
  target,
  from: 0,
  to: 1,
  activeTriggers: ['s0-rabbitmq-orders'],
  forced: false,
  failed: false,
  ...c,
});

describe("KEDA's Event wording (pkg/scaling/executor, pkg/eventreason)", () => {
  it.each([
    [
      change({}),
      'Normal KEDAScaleTargetActivated Scaled apps/v1.Deployment shop/web from 0 to 1, triggered by s0-rabbitmq-orders',
    ],
    [
      change({ activeTriggers: ['a', 'b'], from: 1, to: 5 }),
      'Normal KEDAScaleTargetActivated Scaled apps/v1.Deployment shop/web from 1 to 5, triggered by a;b',
    ],
    [
      change({ forced: true }),
      'Normal KEDAScaleTargetActivated Scaled apps/v1.Deployment shop/web from 0 to 1, caused by forced activation annotation',
    ],
    [
      change({ failed: true }),
      'Warning KEDAScaleTargetActivationFailed Failed to scale apps/v1.Deployment shop/web from 0 to 1',
    ],
    [
      change({ transition: 'deactivation', from: 3, to: 0 }),
      'Normal KEDAScaleTargetDeactivated Deactivated apps/v1.Deployment shop/web from 3 to 0',
    ],
    [
      change({ transition: 'deactivation', from: 3, to: 1, failed: true }),
      'Warning KEDAScaleTargetDeactivationFailed Failed to deactivate apps/v1.Deployment shop/web from 3 to 1',
    ],
    // KEDA's TestEventWitTriggerInfo: the kind is unset in the fixture, hence two spaces.
    [
      change({
        target: { kind: '', namespace: 'namespace', name: 'name' },
        from: 2,
        to: 5,
        activeTriggers: ['testTrigger'],
      }),
      'Normal KEDAScaleTargetActivated Scaled  namespace/name from 2 to 5, triggered by testTrigger',
    ],
  ])('%#: %s', (c, text) => {
    expect(renderKedaEvent(kedaScaleEvent(c))).toBe(text);
  });

  it('maps executor actions and counts to transitions', () => {
    expect(kedaTransition('Activated')).toBe('activation');
    expect(kedaTransition('ScaledToZero')).toBe('deactivation');
    expect(kedaTransition('ScaledToIdle')).toBe('deactivation');
    expect(kedaTransition('RaisedToMin')).toBeNull();
    expect(kedaTransition('CooldownPending')).toBeNull();
    expect(kedaTransitionOfCounts(0, 3, 0)).toBe('activation');
    expect(kedaTransitionOfCounts(2, 0, 0)).toBe('deactivation');
    expect(kedaTransitionOfCounts(2, 1, 1)).toBe('deactivation');
    expect(kedaTransitionOfCounts(2, 4, 0)).toBeNull();
  });

  it('words the fallback and scaler failures as the scale handler does', () => {
    expect(kedaFallbackEvent(false, true)).toEqual({
      type: 'Normal',
      reason: 'ScaledObjectFallbackActivated',
      message: 'ScaledObject fallback is active',
    });
    expect(kedaFallbackEvent(true, false)?.reason).toBe('ScaledObjectFallbackDeactivated');
    expect(kedaFallbackEvent(true, true)).toBeNull();
    expect(kedaFallbackEvent(false, false)).toBeNull();
    expect(renderKedaEvent(kedaScalerFailedEvent('orders: connect ECONNREFUSED'))).toBe(
      'Warning KEDAScalerFailed orders: connect ECONNREFUSED',
    );
  });
});
