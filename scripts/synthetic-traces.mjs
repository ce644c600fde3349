#!/usr/bin/env node
// Writes six seeded synthetic per-minute traces (timestamp,value CSV) for a robustness sweep of a
// policy beyond the bundled real traces: node scripts/synthetic-traces.mjs DIR, then
//   node dist/src/cli/index.js backtest --trace DIR/sparse.csv ... --policy oracle,hpa,tide --json
// The same seed gives the same files. Each shape stresses one thing:
//   sparse    mean 0.3 req/min with a 40 req/min burst about every 3 hours, 4 days (near zero)
//   diurnal   a daily cosine 200..2000 req/min with Poisson noise, 7 days
//   plateaus  random levels 100..1000 req/min switching about every 2 hours, 3 days (no pattern)
//   growth    100 → 1500 req/min over 5 days with a ±30 % daily cycle (a trend)
//   weekly    the daily cosine, weekends at 30 %, 14 days
//   flash     steady 200 req/min with one 10× surge of 30 minutes a day at a random time, 3 days
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/synthetic-traces.mjs DIR');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });

// A linear congruential generator: reproducible without a dependency.
let seed = 12345;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
/** A Poisson count (Knuth's method; the normal approximation above a mean of 50). */
const poisson = (mean) => {
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gauss()));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rnd();
  } while (p > limit);
  return k - 1;
};
const DAY = 1440;
const daily = (i) => Math.cos((2 * Math.PI * (i % DAY)) / DAY);
const write = (name, values) => {
  const rows = values.map((v, i) => `${i * 60},${v}`).join('\n');
  writeFileSync(join(dir, `${name}.csv`), `timestamp,value\n${rows}\n`);
  console.log(`${join(dir, `${name}.csv`)}: ${values.length} minutes`);
};
const minutes = (days, f) => Array.from({ length: days * DAY }, (_, i) => f(i));

write('sparse', minutes(4, () => poisson(0.3 + (rnd() < 1 / 180 ? 40 : 0))));
write('diurnal', minutes(7, (i) => poisson(1100 - 900 * daily(i))));
let level = 300;
write(
  'plateaus',
  minutes(3, () => {
    if (rnd() < 1 / 120) level = 100 + Math.round(900 * rnd());
    return poisson(level);
  }),
);
write('growth', minutes(5, (i) => poisson((100 + (1400 * i) / (5 * DAY)) * (1 - 0.3 * daily(i)))));
write(
  'weekly',
  minutes(14, (i) => poisson((Math.floor(i / DAY) % 7 >= 5 ? 0.3 : 1) * (800 - 700 * daily(i)))),
);
const surges = [0, 1, 2].map((d) => d * DAY + Math.floor(rnd() * (DAY - 60)));
write('flash', minutes(3, (i) => poisson(surges.some((s) => i >= s && i < s + 30) ? 2000 : 200)));
