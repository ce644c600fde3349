/**
 * uPlot (npm `uplot`): the charting library of the HTML reports and the dashboard. Its JavaScript
 * and CSS are read from the installed package, to be inlined in a report (one self-contained
 * file) or served by the dashboard's own server; never from a CDN.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface UplotAssets {
  /** The IIFE build: defines the global `uPlot`. */
  readonly js: string;
  readonly css: string;
}

let cached: UplotAssets | undefined;

/** uPlot's minified script and stylesheet (read once). */
export function uplotAssets(): UplotAssets {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const read = (file: string): string =>
    readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');
  cached = { js: read('uPlot.iife.min.js'), css: read('uPlot.min.css') };
  return cached;
}

/** Text safe inside an inline `<script>`: no `</script` or `<!--` can end or bend it. */
export const inlineScript = (text: string): string =>
  text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

/** JSON safe inside `<script type="application/json">`. */
export const inlineJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c');
