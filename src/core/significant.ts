/**
 * `roundSignificant(x, digits)`: exactly `Number(x.toPrecision(digits))`, the rounding the
 * engine's state uses to keep its JSON short, without building and parsing a string for almost
 * every number (the planner rounds about eight numbers a tick; `toPrecision` is ~0.1 µs each).
 *
 * Why it is exact. `toPrecision` picks the integer n with 10^(d−1) ≤ n < 10^d nearest to
 * x · 10^k (k = d − 1 − e, e the decimal exponent of x; ties go to the larger n), and the string
 * parses to the double nearest to n · 10^−k. Here y = x · 10^k (or x / 10^−k) is one correctly
 * rounded operation on exact operands (10^j is exact up to 10^22), so |y − x · 10^k| ≤ ½ ulp(y)
 * < 10^d · 2^−53, under 1.2e−8 for d ≤ 8: unless y lies within 1e−6 of a half-integer (then the
 * string does it), n = round(y) is the n toPrecision picks. n / 10^k (or n · 10^−k) is again one
 * correctly rounded operation on exact operands, the double nearest to n · 10^−k: what parsing
 * gives. When `Math.log10` puts e one off, y falls outside [10^(d−1), 10^d) and the string does it.
 * Worked example: roundSignificant(630.123456, 4): e = 2, k = 1, y = 6301.23456 → n = 6301 →
 * 6301 / 10 = 630.1, as Number('630.1').
 *
 * @module
 */

/** 10^j for j = 0 … 22, each parsed from its decimal form (exact). */
const POWERS: readonly number[] = Array.from({ length: 23 }, (_, j) => Number(`1e${j}`));
/** The most digits the fast path takes (the error bound above needs 10^d · 2^−53 ≪ 1e−6). */
const MAX_FAST_DIGITS = 8;
/** How near a half-integer y may come before the string decides. */
const TIE_MARGIN = 1e-6;

const viaString = (x: number, digits: number): number => Number(x.toPrecision(digits));

/** `Number(x.toPrecision(digits))`, for every x (NaN, ±Infinity, −0 included) and 1 ≤ digits ≤ 100. */
export function roundSignificant(x: number, digits: number): number {
  const a = Math.abs(x);
  if (a === 0) return 0; // "0.000…" for 0 and −0 alike
  // NaN, the very small and the very large: the string.
  if (!(a >= 1e-200 && a <= 1e200) || digits > MAX_FAST_DIGITS) return viaString(x, digits);
  const r = roundPositive(a, digits);
  if (r === null) return viaString(x, digits);
  return x < 0 ? -r : r;
}

/** The fast path for a > 0 (see the module comment); null where the string must decide. */
function roundPositive(a: number, digits: number): number | null {
  const k = digits - 1 - Math.floor(Math.log10(a));
  const scale = POWERS[Math.abs(k)];
  if (scale === undefined) return null;
  const y = k >= 0 ? a * scale : a / scale;
  const n = Math.floor(y);
  const f = y - n;
  const low = POWERS[digits - 1] ?? 1;
  if (y < low || y >= low * 10 || Math.abs(f - 0.5) < TIE_MARGIN) return null;
  const m = f > 0.5 ? n + 1 : n;
  return k >= 0 ? m / scale : m * scale;
}
