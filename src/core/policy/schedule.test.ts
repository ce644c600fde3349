import { describe, expect, it } from 'vitest';
import {
  compileSchedule,
  cronMetricName,
  parseKedaCronMetadata,
  scheduleWindow,
  validateCronConfig,
  type CronTriggerConfig,
} from './schedule.js';

const office: CronTriggerConfig = {
  timezone: 'Europe/Paris',
  start: '0 9 * * 1-5',
  end: '0 17 * * 1-5',
  desiredReplicas: 6,
};

function windowAt(config: CronTriggerConfig, now: number): { active: boolean; value: number } {
  const s = compileSchedule(config);
  if (!s.ok) throw new Error(s.error);
  const w = scheduleWindow(s.value, now);
  return { active: w.active, value: w.value };
}

describe('scheduleWindow', () => {
  it.each([
    // Monday 2024-01-08 in Paris (UTC+1)
    ['before the window', Date.UTC(2024, 0, 8, 7, 59), false],
    ['at the start minute (inclusive)', Date.UTC(2024, 0, 8, 8, 0), true],
    ['inside', Date.UTC(2024, 0, 8, 12, 0), true],
    ['one minute before the end', Date.UTC(2024, 0, 8, 15, 59), true],
    ['at the end minute (exclusive)', Date.UTC(2024, 0, 8, 16, 0), false],
    ['on Saturday', Date.UTC(2024, 0, 13, 12, 0), false],
    // Summer time (UTC+2): 09:00 Paris is 07:00 UTC
    ['summer, 07:00 UTC = 09:00 Paris', Date.UTC(2024, 6, 8, 7, 0), true],
    ['summer, 06:59 UTC', Date.UTC(2024, 6, 8, 6, 59), false],
  ])('%s', (_name, now, active) => {
    expect(windowAt(office, now)).toEqual({ active, value: active ? 6 : 0 });
  });

  it('follows the wall clock across the DST change (Paris, 2024-03-31)', () => {
    const night: CronTriggerConfig = {
      timezone: 'Europe/Paris',
      start: '0 1 * * *',
      end: '0 4 * * *',
      desiredReplicas: 2,
    };
    // 01:00 CET = 00:00 UTC; at 02:00 clocks jump to 03:00 CEST; 04:00 CEST = 02:00 UTC.
    expect(windowAt(night, Date.UTC(2024, 2, 30, 23, 59)).active).toBe(false);
    expect(windowAt(night, Date.UTC(2024, 2, 31, 0, 0)).active).toBe(true);
    expect(windowAt(night, Date.UTC(2024, 2, 31, 1, 59)).active).toBe(true);
    expect(windowAt(night, Date.UTC(2024, 2, 31, 2, 0)).active).toBe(false);
  });
});

describe('validateCronConfig', () => {
  it('accepts a valid config', () => {
    expect(validateCronConfig(office)).toEqual([]);
  });

  it.each([
    [
      { ...office, start: '61 * * * *' },
      'start',
      'start = "61 * * * *": minute "61": 61 is above 59',
    ],
    [{ ...office, end: office.start }, 'end', 'end = "0 9 * * 1-5": must differ from start'],
    [
      { ...office, desiredReplicas: 0 },
      'desiredReplicas',
      'desiredReplicas = 0: Too small: expected number to be >=1',
    ],
    [
      { ...office, timezone: 'Nowhere/City' },
      'timezone',
      'timezone = "Nowhere/City": must be an IANA time zone name such as Europe/Paris or Etc/UTC',
    ],
    [{ ...office, extra: 1 }, '', 'Unrecognized key: "extra"'],
  ])('reports %j', (config, path, message) => {
    expect(validateCronConfig(config)).toContainEqual({ path, message });
  });

  it('requires all four keys', () => {
    const issues = validateCronConfig({});
    expect(issues.map((i) => i.path).sort()).toEqual([
      'desiredReplicas',
      'end',
      'start',
      'timezone',
    ]);
  });
});

describe('KEDA metadata', () => {
  it.each([
    [
      { timezone: 'Etc/UTC', start: '0 0 * * Thu', end: '59 23 * * Thu', desiredReplicas: '10' },
      null,
    ],
    [
      { timezone: 'Etc/UTC', start: '0 0 * * Thu', end: '59 23 * * Thu', desiredReplicas: '0' },
      'desiredReplicas = "0": must be a non-zero integer',
    ],
    [
      { timezone: 'Etc/UTC', start: '0 0 * * Thu', end: '59 23 * * Thu', desiredReplicas: 'x' },
      'desiredReplicas = "x": must be a non-zero integer',
    ],
    [
      { timezone: 'Etc/UTC', start: '0 0 * * Thu', end: '59 23 * * Thu' },
      'desiredReplicas is required',
    ],
    [
      { timezone: 'Bad/Zone', start: '0 0 * * Thu', end: '59 23 * * Thu', desiredReplicas: '1' },
      'timezone = "Bad/Zone": unknown time zone',
    ],
  ])('parse %j', (metadata, error) => {
    const r = parseKedaCronMetadata(metadata);
    expect(r.ok ? null : r.error).toBe(error);
  });

  it('names the metric as KEDA does', () => {
    expect(
      cronMetricName({ timezone: 'America/New_York', start: '0 6 ? * *', end: '0,30 20 * * *' }, 3),
    ).toBe('s3-cron-America-New_York-06Qmxx-0Cm3020xxx');
  });
});
