/**
 * Discrete Fourier transforms for the spectral forecaster: an in-place iterative radix-2 FFT for
 * power-of-two lengths, Bluestein's chirp-z algorithm for any other length (an exact DFT of N
 * points, computed as a convolution through radix-2 FFTs of length ≥ 2N − 1), the periodogram and
 * the autocorrelation function (Wiener–Khinchin: ACF = IFFT(|FFT(x zero-padded to ≥ 2N)|²)).
 *
 * Conventions: X[k] = Σₙ x[n]·e^(−2πi·kn/N); the inverse divides by N.
 *
 * @module
 */

/** A complex vector as two parallel arrays (real, imaginary). */
export interface ComplexVector {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

export const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

/** The smallest power of two ≥ n (n ≥ 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * Per power-of-two length, what every transform of that length shares: the bit-reversal
 * permutation and, per direction, the twiddle factors of every stage (stage `size` at offset
 * size / 2 − 1, entry k = e^(∓2πi·k/size)), each computed exactly as the butterfly loop would
 * compute it (`Math.cos(step * k)` with step = ±2π / size), so a cached transform is bit for bit
 * the one computed afresh. Lengths are powers of two, so at most a few dozen ever exist; the
 * tables are built on first use (8192 points: 8192 + 4 × 8191 numbers).
 */
interface Plan {
  readonly swaps: Uint32Array;
  readonly cos: readonly [Float64Array, Float64Array];
  readonly sin: readonly [Float64Array, Float64Array];
}

const plans = new Map<number, Plan>();

function twiddles(n: number, sign: number): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(Math.max(0, n - 1));
  const sin = new Float64Array(cos.length);
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2;
    const step = (sign * 2 * Math.PI) / size;
    for (let k = 0; k < half; k++) {
      cos[half - 1 + k] = Math.cos(step * k);
      sin[half - 1 + k] = Math.sin(step * k);
    }
  }
  return { cos, sin };
}

/** The pairs (i, j), i < j, that the bit-reversal permutation swaps, flattened. */
function bitReversalSwaps(n: number): Uint32Array {
  const pairs: number[] = [];
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) pairs.push(i, j);
  }
  return Uint32Array.from(pairs);
}

function planFor(n: number): Plan {
  let plan = plans.get(n);
  if (plan === undefined) {
    const forward = twiddles(n, -1);
    const inverse = twiddles(n, 1);
    plan = {
      swaps: bitReversalSwaps(n),
      cos: [forward.cos, inverse.cos],
      sin: [forward.sin, inverse.sin],
    };
    plans.set(n, plan);
  }
  return plan;
}

function bitReverse(re: Float64Array, im: Float64Array, swaps: Uint32Array): void {
  for (let p = 0; p < swaps.length; p += 2) {
    const i = swaps[p]!;
    const j = swaps[p + 1]!;
    const r = re[i]!;
    re[i] = re[j]!;
    re[j] = r;
    const m = im[i]!;
    im[i] = im[j]!;
    im[j] = m;
  }
}

/**
 * In-place radix-2 FFT (Cooley–Tukey, iterative). `inverse` computes the unscaled inverse
 * (conjugate twiddles); callers divide by N. Throws on a length that is not a power of two: that is
 * a bug in the caller, not bad data.
 */
export function fftRadix2(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (!isPowerOfTwo(n) || im.length !== n) {
    throw new Error(
      `fftRadix2: length = ${n}, must be a power of two (imaginary part ${im.length})`,
    );
  }
  const plan = planFor(n);
  bitReverse(re, im, plan.swaps);
  const twiddles = { cos: plan.cos[inverse ? 1 : 0], sin: plan.sin[inverse ? 1 : 0] };
  // Each butterfly of a stage touches its own pair of entries, so the order in which a stage
  // visits them does not change a single bit of the result; the faster order depends on the stage.
  for (let size = 2; size <= n; size *= 2)
    stage(re, im, size, { cos: twiddles.cos, sin: twiddles.sin, byTwiddle: size < 32 });
}

interface Stage {
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  /**
   * Visit the butterflies twiddle by twiddle (one twiddle, many blocks: short stages) rather than
   * block by block (contiguous entries: long stages).
   */
  readonly byTwiddle: boolean;
}

/** The butterflies of one stage (blocks of `size` entries, twiddle k for entries k and k + size / 2). */
function stage(re: Float64Array, im: Float64Array, size: number, w: Stage): void {
  const n = re.length;
  const half = size / 2;
  const { cos, sin, byTwiddle } = w;
  const outer = byTwiddle ? half : n / size;
  const inner = byTwiddle ? n / size : half;
  const outerStep = byTwiddle ? 1 : size;
  const innerStep = byTwiddle ? size : 1;
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const t = half - 1 + (byTwiddle ? p : q);
      const wr = cos[t]!;
      const wi = sin[t]!;
      const a = p * outerStep + q * innerStep;
      const j = a + half;
      const rj = re[j]!;
      const ij = im[j]!;
      const tr = wr * rj - wi * ij;
      const ti = wr * ij + wi * rj;
      const ra = re[a]!;
      const ia = im[a]!;
      re[j] = ra - tr;
      im[j] = ia - ti;
      re[a] = ra + tr;
      im[a] = ia + ti;
    }
  }
}

/** What every Bluestein transform of one length and direction shares: the chirp and its FFT. */
interface Chirp {
  readonly re: Float64Array;
  readonly im: Float64Array;
  /** The FFT (length m) of the conjugate chirp laid out for the circular convolution. */
  readonly fftRe: Float64Array;
  readonly fftIm: Float64Array;
}

/** The few chirps last used (a refit asks for the same one or two lengths over and over). */
const chirps = new Map<string, Chirp>();
const MAX_CHIRPS = 4;

function chirpFor(n: number, m: number, inverse: boolean): Chirp {
  const key = `${n}:${inverse ? 1 : 0}`;
  const cached = chirps.get(key);
  if (cached !== undefined) return cached;
  const sign = inverse ? 1 : -1;
  // n² mod 2N keeps the angle small and exact for large n.
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const angle = (sign * Math.PI * ((i * i) % (2 * n))) / n;
    re[i] = Math.cos(angle);
    im[i] = Math.sin(angle);
  }
  const fftRe = new Float64Array(m);
  const fftIm = new Float64Array(m);
  fftRe[0] = re[0]!;
  fftIm[0] = -im[0]!;
  for (let i = 1; i < n; i++) {
    fftRe[i] = fftRe[m - i] = re[i]!;
    fftIm[i] = fftIm[m - i] = -im[i]!;
  }
  fftRadix2(fftRe, fftIm);
  const chirp = { re, im, fftRe, fftIm };
  if (chirps.size >= MAX_CHIRPS) chirps.delete(chirps.keys().next().value!);
  chirps.set(key, chirp);
  return chirp;
}

/**
 * Bluestein's algorithm: kn = (k² + n² − (k − n)²) / 2 turns the DFT into a convolution with the
 * chirp w[n] = e^(πi·n²/N), done with radix-2 FFTs of length M ≥ 2N − 1.
 */
function bluestein(input: ComplexVector, inverse: boolean): ComplexVector {
  const n = input.re.length;
  const m = nextPowerOfTwo(2 * n - 1);
  const chirp = chirpFor(n, m, inverse);
  const chirpRe = chirp.re;
  const chirpIm = chirp.im;
  const aRe = new Float64Array(m);
  const aIm = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    aRe[i] = input.re[i]! * chirpRe[i]! - input.im[i]! * chirpIm[i]!;
    aIm[i] = input.re[i]! * chirpIm[i]! + input.im[i]! * chirpRe[i]!;
  }
  const bRe = chirp.fftRe;
  const bIm = chirp.fftIm;
  fftRadix2(aRe, aIm);
  for (let i = 0; i < m; i++) {
    const r = aRe[i]! * bRe[i]! - aIm[i]! * bIm[i]!;
    aIm[i] = aRe[i]! * bIm[i]! + aIm[i]! * bRe[i]!;
    aRe[i] = r;
  }
  fftRadix2(aRe, aIm, true);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const cr = aRe[i]! / m;
    const ci = aIm[i]! / m;
    re[i] = cr * chirpRe[i]! - ci * chirpIm[i]!;
    im[i] = cr * chirpIm[i]! + ci * chirpRe[i]!;
  }
  return { re, im };
}

/** The DFT of a complex vector of any length (radix-2 when it can, Bluestein otherwise). */
export function dft(input: ComplexVector, inverse = false): ComplexVector {
  const n = input.re.length;
  if (n === 0) return { re: new Float64Array(0), im: new Float64Array(0) };
  if (isPowerOfTwo(n)) {
    const re = Float64Array.from(input.re);
    const im = Float64Array.from(input.im);
    fftRadix2(re, im, inverse);
    return { re, im };
  }
  return bluestein(input, inverse);
}

/** The DFT of a real signal, exact at length N (bin k ↔ frequency k/N cycles per sample). */
export function realDft(x: ArrayLike<number>): ComplexVector {
  return dft({ re: Float64Array.from(x), im: new Float64Array(x.length) });
}

/** The inverse DFT, scaled by 1/N. */
export function inverseDft(input: ComplexVector): ComplexVector {
  const out = dft(input, true);
  const n = input.re.length;
  for (let i = 0; i < n; i++) {
    out.re[i] = out.re[i]! / n;
    out.im[i] = out.im[i]! / n;
  }
  return out;
}

/**
 * Power |X[k]|² of x zero-padded to `length` (a power of two), for k = 0 … length/2. Bin k then
 * stands for the period length/k samples.
 */
export function paddedPowerSpectrum(x: ArrayLike<number>, length: number): Float64Array {
  const re = new Float64Array(length);
  const im = new Float64Array(length);
  for (let i = 0; i < x.length && i < length; i++) re[i] = x[i]!;
  fftRadix2(re, im);
  const power = new Float64Array(length / 2 + 1);
  for (let k = 0; k <= length / 2; k++) power[k] = re[k]! * re[k]! + im[k]! * im[k]!;
  return power;
}

/** Scratch space for `maxPaddedPower`, reused from call to call (core runs on one thread). */
let scratch = { re: new Float64Array(0), im: new Float64Array(0) };

/**
 * The largest power over bins 1 … length/2 of `paddedPowerSpectrum(x, length)`, the same number,
 * without allocating: the permutation test asks it of many shuffled copies. (`Math.max` as there:
 * a NaN power makes it NaN.)
 */
export function maxPaddedPower(x: ArrayLike<number>, length: number): number {
  if (scratch.re.length !== length) {
    scratch = { re: new Float64Array(length), im: new Float64Array(length) };
  }
  const { re, im } = scratch;
  const n = Math.min(x.length, length);
  for (let i = 0; i < n; i++) re[i] = x[i]!;
  re.fill(0, n);
  im.fill(0);
  fftRadix2(re, im);
  let m = 0;
  for (let k = 1; k <= length / 2; k++) m = Math.max(m, re[k]! * re[k]! + im[k]! * im[k]!);
  return m;
}

/**
 * The unbiased sample autocorrelation of a mean-removed series for lags 0 … N − 1:
 * r(τ) = [Σ x[t]·x[t+τ] / (N − τ)] / [Σ x[t]² / N]. Unbiased, so a long lag (one week in two weeks
 * of data) is not penalised against a short one merely for having fewer pairs.
 */
export function autocorrelation(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const m = nextPowerOfTwo(2 * n);
  const re = new Float64Array(m);
  const im = new Float64Array(m);
  for (let i = 0; i < n; i++) re[i] = x[i]!;
  fftRadix2(re, im);
  for (let i = 0; i < m; i++) {
    re[i] = re[i]! * re[i]! + im[i]! * im[i]!;
    im[i] = 0;
  }
  fftRadix2(re, im, true);
  const c0 = re[0]! / m / n;
  if (c0 <= 0) return out;
  for (let lag = 0; lag < n; lag++) out[lag] = re[lag]! / m / (n - lag) / c0;
  return out;
}
