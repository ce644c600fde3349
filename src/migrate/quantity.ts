/**
 * Kubernetes quantities (`500m`, `2Gi`, `1.5k`, `1e3`) as plain numbers in the base unit, the way
 * Tide's targets are written (`500m` CPU = 0.5), at the milli precision the HPA reads a target
 * with (`MilliValue()`, rounded up: `250u` → 0.001). sources/kube.ts parses the quantities the
 * metrics APIs return the same way (this layer may not import it).
 *
 * @module
 */

const suffixes: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const pattern =
  /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/;

/** The quantity's value, or null when it is not a Kubernetes quantity. */
export function parseQuantity(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const match = pattern.exec(value.trim());
  if (match === null) return null;
  const [, mantissa = '', exponent, suffix = ''] = match;
  const n = Number(mantissa + (exponent ?? '')) * (suffixes[suffix] ?? 1);
  // 9 significant decimals first: 0.1 × 1e3 must be 100 milli, not 100.00000000000001.
  return Math.ceil(Number((n * 1000).toPrecision(15))) / 1000;
}
