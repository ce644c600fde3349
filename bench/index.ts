/**
 * `npm run bench`: runs every `bench/*.bench.js` in turn and prints figures and ratios. Benchmarks
 * print; they never assert (timed assertions flake on shared machines).
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

for (const file of files) {
  process.stdout.write(`\n## ${file.replace(/\.bench\.js$/, '')}\n`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as {
    run?: () => Promise<void> | void;
  };
  if (typeof mod.run !== 'function') throw new Error(`bench/${file} must export run()`);
  await mod.run();
}
if (files.length === 0) process.stdout.write('no benchmarks found\n');
