import { describe, expect, it } from 'vitest';
import { isValidTimeZone, nextOccurrence, parseCron, zoneOffset } from './cron-expression.js';

const t0 = Date.UTC(2024, 0, 1); // Monday 2024-01-01 00:00 UTC
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

function next(expr: string, zone: string, now: number): string | null {
  const parsed = parseCron(expr);
  if (!parsed.ok) throw new Error(parsed.error);
  return iso(nextOccurrence(parsed.value, zone, now));
}

describe('parseCron', () => {
  it.each([
    ['*/15 * * * *'],
    ['0 9-17 * * MON-fri'],
    ['0,30 * * * *'],
    ['30-33 * * * *'],
    ['5/20 * * * *'],
    ['0 0 1 jan ?'],
    ['@hourly'],
    ['@daily'],
  ])('accepts %j', (expr) => {
    expect(parseCron(expr).ok).toBe(true);
  });

  it.each([
    ['-30 * * * *', 'minute "-30": "" is not a non-negative number'],
    ['50 * * -3 *', 'month "-3": "" is not a non-negative number or a name'],
    ['60 * * * *', 'minute "60": 60 is above 59'],
    ['* * * * 7', 'day of week "7": 7 is above 6'],
    ['5-2 * * * *', 'minute "5-2": 5 is after 2'],
    ['*/0 * * * *', 'minute "*/0": step must be a positive number'],
    ['* * * *', 'expected 5 fields (minute hour day-of-month month day-of-week), found 4'],
    ['0 0 0 * *', 'day of month "0": 0 is below 1'],
    [
      '@every 5m',
      'unsupported descriptor "@every 5m" (use @hourly, @daily, @weekly, @monthly or @yearly)',
    ],
    [
      '@constructor',
      'unsupported descriptor "@constructor" (use @hourly, @daily, @weekly, @monthly or @yearly)',
    ],
    [
      '0 0 * constructor *',
      'month "constructor": "constructor" is not a non-negative number or a name',
    ],
  ])('rejects %j: %s', (expr, error) => {
    expect(parseCron(expr)).toEqual({ ok: false, error });
  });
});

describe('nextOccurrence', () => {
  it.each([
    // strictly after now: at 00:00 sharp the next "0 0 * * *" is tomorrow
    ['0 0 * * *', 'Etc/UTC', t0, '2024-01-02T00:00:00.000Z'],
    ['*/15 * * * *', 'Etc/UTC', t0 + 1, '2024-01-01T00:15:00.000Z'],
    ['5/20 * * * *', 'Etc/UTC', t0, '2024-01-01T00:05:00.000Z'],
    ['0 0 * * Thu', 'Etc/UTC', t0, '2024-01-04T00:00:00.000Z'],
    // dom and dow both restricted: either matches (Jan 5 is a Friday)
    ['0 0 5 * 3', 'Etc/UTC', t0, '2024-01-03T00:00:00.000Z'],
    // dow restricted, dom '*': both must match
    ['0 0 * 2 1', 'Etc/UTC', t0, '2024-02-05T00:00:00.000Z'],
    ['0 0 29 2 *', 'Etc/UTC', t0, '2024-02-29T00:00:00.000Z'],
    // 09:00 in Kolkata (UTC+5:30) is 03:30 UTC
    ['0 9 * * *', 'Asia/Kolkata', t0, '2024-01-01T03:30:00.000Z'],
    // New York: 02:30 does not exist on 2024-03-10 (spring forward): skipped that day
    ['30 2 * * *', 'America/New_York', Date.UTC(2024, 2, 10, 5), '2024-03-11T06:30:00.000Z'],
    // New York: 01:30 happens twice on 2024-11-03 (EDT, then EST)
    ['30 1 * * *', 'America/New_York', Date.UTC(2024, 10, 3, 4), '2024-11-03T05:30:00.000Z'],
    ['30 1 * * *', 'America/New_York', Date.UTC(2024, 10, 3, 5, 30), '2024-11-03T06:30:00.000Z'],
  ])('%s in %s after %s', (expr, zone, now, expected) => {
    expect(next(expr, zone, now)).toBe(expected);
  });

  it('returns null when no date matches within five years', () => {
    expect(next('0 0 31 2 *', 'Etc/UTC', t0)).toBeNull();
  });
});

describe('time zones', () => {
  it.each([
    ['Europe/Paris', Date.UTC(2024, 0, 15), 3_600_000],
    ['Europe/Paris', Date.UTC(2024, 6, 15), 7_200_000],
    ['Asia/Kolkata', t0, 19_800_000],
    ['Etc/UTC', t0, 0],
  ])('%s offset at %d is %d', (zone, t, offset) => {
    expect(zoneOffset(zone, t)).toBe(offset);
  });

  it.each([
    ['Europe/Paris', true],
    ['Etc/UTC', true],
    ['Mars/Olympus', false],
    ['', false],
  ])('isValidTimeZone(%j) = %s', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });
});
