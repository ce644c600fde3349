import { describe, expect, it } from 'vitest';
import { parseSpec } from './spec.js';

const cron = {
  type: 'cron',
  timezone: 'Europe/Paris',
  start: '0 9 * * 1-5',
  end: '0 17 * * 1-5',
  desiredReplicas: 4,
};

describe('event parts of the spec', () => {
  it('a cron trigger needs no target (1 per replica) and keeps its config', () => {
    const r = parseSpec({ minReplicas: 0, triggers: [cron] });
    expect(r.ok && r.value.triggers[0]).toMatchObject({
      name: 'cron-0',
      target: { type: 'AverageValue', value: 1 },
      config: {
        timezone: 'Europe/Paris',
        start: '0 9 * * 1-5',
        end: '0 17 * * 1-5',
        desiredReplicas: 4,
      },
    });
  });

  it.each([
    [
      { ...cron, start: '99 * * * *' },
      'triggers[0].start = "99 * * * *": minute "99": 99 is above 59',
    ],
    [{ ...cron, end: cron.start }, 'triggers[0].end = "0 9 * * 1-5": must differ from start'],
    [
      { ...cron, desiredReplicas: 0 },
      'triggers[0].desiredReplicas = 0: Too small: expected number to be >=1',
    ],
    [
      { ...cron, timezone: 'Moon/Base' },
      'triggers[0].timezone = "Moon/Base": must be an IANA time zone name such as Europe/Paris or Etc/UTC',
    ],
    [
      { ...cron, query: 'x' },
      'triggers[0] = {"type":"cron","timezone":"Europe/Paris","start":"0 9 * * 1-5","end":"0 17 * * 1-5","desiredReplicas":4,"query":"x"}: Unrecognized key: "query"',
    ],
    [
      { type: 'prometheus', query: 'up' },
      'triggers[0].target = missing: required (except for cron triggers)',
    ],
  ])('rejects %j', (trigger, message) => {
    const r = parseSpec({ triggers: [trigger] });
    expect(r.ok ? [] : r.issues.map((i) => i.message)).toContain(message);
  });

  it('checks scalingModifiers formulas and the names they read', () => {
    const triggers = [
      { name: 'a', type: 'prometheus', query: 'q', target: { type: 'AverageValue', value: 1 } },
    ];
    const bad = parseSpec({ triggers, event: { scalingModifiers: { formula: 'a +', target: 2 } } });
    expect(bad.ok ? [] : bad.issues.map((i) => i.message)).toEqual([
      'event.scalingModifiers.formula = "a +": unexpected end of formula at position 3',
    ]);
    const unknown = parseSpec({
      triggers,
      event: { scalingModifiers: { formula: 'a + b', target: 2 } },
    });
    expect(unknown.ok ? [] : unknown.issues.map((i) => i.message)).toEqual([
      'event.scalingModifiers.formula = "a + b": reads b, which is not a trigger name (a)',
    ]);
    const ok = parseSpec({
      triggers,
      fallback: { replicas: 2, behavior: 'scalingModifiers' },
      event: { scalingModifiers: { formula: 'a ?? 3', target: 2 } },
    });
    expect(ok.ok && ok.value.event.scalingModifiers).toEqual({
      formula: 'a ?? 3',
      target: 2,
      activationTarget: 0,
      metricType: 'AverageValue',
    });
  });
});
