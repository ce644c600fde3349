/**
 * Series packed for an HTML report: whole numbers as deltas (most steps repeat the step
 * before), gzip'd and base64'd; the page unpacks them with the browser's own
 * `DecompressionStream` (`unpackScript`). A month of 15 s steps (178,560 values) packs into a
 * few kB to a few hundred kB, so a report keeps every step at full resolution.
 *
 * @module
 */
import { gunzipSync, gzipSync } from 'node:zlib';

/** Packs whole numbers (values × `scale`, rounded) as little-endian Int32 deltas, gzip, base64. */
export function packSeries(values: ArrayLike<number>, scale = 1): string {
  const deltas = new Int32Array(values.length);
  let prev = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.round((values[i] as number) * scale);
    deltas[i] = v - prev;
    prev = v;
  }
  return gzipSync(new Uint8Array(deltas.buffer), { level: 9 }).toString('base64');
}

/** Unpacks in Node (tests); the page does the same with `unpackScript`. */
export function unpackSeries(packed: string, scale = 1): number[] {
  const bytes = gunzipSync(Buffer.from(packed, 'base64'));
  const deltas = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const out: number[] = new Array<number>(deltas.length);
  let v = 0;
  for (let i = 0; i < deltas.length; i++) {
    v += deltas[i] as number;
    out[i] = v / scale;
  }
  return out;
}

/** The page's `unpack(packed, scale) → Promise<number[]>` (plain JavaScript). */
export const unpackScript = `function unpack(packed, scale) {
  var bin = atob(packed), bytes = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).arrayBuffer().then(function (buf) {
    var d = new Int32Array(buf), out = new Array(d.length), v = 0, s = scale || 1;
    for (var k = 0; k < d.length; k++) { v += d[k]; out[k] = v / s; }
    return out;
  });
}`;
