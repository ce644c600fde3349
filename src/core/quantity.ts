/**
 * Kubernetes quantities (`500m`, `2Gi`, `1.5k`, `1e3`), read as the API's `MilliValue()` reads
 * them: in milli-units, rounded up (`250u` → 1). The metric sources read the quantities the
 * metrics APIs return with it (in milli-units, as the engine's observations carry them), and
 * `tide import` the targets of HPA and KEDA objects (in the base unit: `500m` CPU = 0.5).
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

const pattern = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** The quantity in milli-units, rounded up; null when the text is not a Kubernetes quantity. */
function milli(text: string): number | null {
  const match = pattern.exec(text.trim());
  if (match === null) return null;
  const [, number = '0', exponent, suffix = ''] = match;
  const scale = exponent === undefined ? (suffixes[suffix] ?? 1) : 10 ** Number(exponent.slice(1));
  // Round the product to 15 significant digits first: 0.1 × 1e3 must be 100, not 100.00000000000001.
  return Math.ceil(Number((Number(number) * scale * 1000).toPrecision(15)));
}

/**
 * A quantity in milli-units, rounded up as the API's `MilliValue()` does:
 * "250m" → 250, "1" → 1000, "1Ki" → 1 024 000, "1500u" → 2, "1e3" → 1 000 000. Throws on text
 * that is not a quantity.
 */
export function quantityMilli(quantity: string): number {
  const value = milli(quantity);
  if (value === null) {
    throw new Error(`quantity ${JSON.stringify(quantity)} is not a Kubernetes quantity`);
  }
  return value;
}

/**
 * A quantity (or a plain number) in the base unit, at milli precision rounded up: "500m" → 0.5,
 * "250u" → 0.001, 3 → 3; null when it is neither.
 */
export function parseQuantity(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const m = milli(value);
  return m === null ? null : m / 1000;
}
