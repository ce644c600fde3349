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

function bitReverse(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
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
  bitReverse(re, im);
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2;
    const step = (sign * 2 * Math.PI) / size;
    for (let k = 0; k < half; k++) {
      const wr = Math.cos(step * k);
      const wi = Math.sin(step * k);
      for (let start = k; start < n; start += size) {
        const j = start + half;
        const tr = wr * re[j]! - wi * im[j]!;
        const ti = wr * im[j]! + wi * re[j]!;
        re[j] = re[start]! - tr;
        im[j] = im[start]! - ti;
        re[start] = re[start]! + tr;
        im[start] = im[start]! + ti;
      }
    }
  }
}

/**
 * Bluestein's algorithm: kn = (k² + n² − (k − n)²) / 2 turns the DFT into a convolution with the
 * chirp w[n] = e^(πi·n²/N), done with radix-2 FFTs of length M ≥ 2N − 1.
 */
function bluestein(input: ComplexVector, inverse: boolean): ComplexVector {
  const n = input.re.length;
  const m = nextPowerOfTwo(2 * n - 1);
  const sign = inverse ? 1 : -1;
  // n² mod 2N keeps the angle small and exact for large n.
  const chirpRe = new Float64Array(n);
  const chirpIm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const angle = (sign * Math.PI * ((i * i) % (2 * n))) / n;
    chirpRe[i] = Math.cos(angle);
    chirpIm[i] = Math.sin(angle);
  }
  const aRe = new Float64Array(m);
  const aIm = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    aRe[i] = input.re[i]! * chirpRe[i]! - input.im[i]! * chirpIm[i]!;
    aIm[i] = input.re[i]! * chirpIm[i]! + input.im[i]! * chirpRe[i]!;
  }
  const bRe = new Float64Array(m);
  const bIm = new Float64Array(m);
  bRe[0] = chirpRe[0]!;
  bIm[0] = -chirpIm[0]!;
  for (let i = 1; i < n; i++) {
    bRe[i] = bRe[m - i] = chirpRe[i]!;
    bIm[i] = bIm[m - i] = -chirpIm[i]!;
  }
  fftRadix2(aRe, aIm);
  fftRadix2(bRe, bIm);
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
