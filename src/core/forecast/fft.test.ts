import { describe, expect, it } from 'vitest';
import {
  autocorrelation,
  dft,
  fftRadix2,
  inverseDft,
  maxPaddedPower,
  nextPowerOfTwo,
  paddedPowerSpectrum,
  realDft,
} from './fft.js';
import { seededRandom as prng } from './fixtures.js';

function naiveDft(re: number[], im: number[]): { re: number[]; im: number[] } {
  const n = re.length;
  const outRe: number[] = [];
  const outIm: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      sr += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
      si += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
    }
    outRe.push(sr);
    outIm.push(si);
  }
  return { re: outRe, im: outIm };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('dft', () => {
  it.each([1, 2, 3, 5, 8, 12, 16, 31, 64, 100, 288, 1000])(
    'matches a naive DFT at length %i',
    (n) => {
      const rand = prng(n);
      const re = Array.from({ length: n }, () => rand() * 2 - 1);
      const im = Array.from({ length: n }, () => rand() * 2 - 1);
      const want = naiveDft(re, im);
      const got = dft({ re: Float64Array.from(re), im: Float64Array.from(im) });
      const tol = 1e-9 * n;
      expect(maxDiff(got.re, want.re)).toBeLessThan(tol);
      expect(maxDiff(got.im, want.im)).toBeLessThan(tol);
    },
  );

  it.each([7, 64, 4032])('inverts itself at length %i', (n) => {
    const rand = prng(n + 1);
    const x = Array.from({ length: n }, () => rand() * 10);
    const back = inverseDft(realDft(x));
    expect(maxDiff(back.re, x)).toBeLessThan(1e-9);
    expect(maxDiff(back.im, new Float64Array(n))).toBeLessThan(1e-9);
  });

  it('puts a pure cosine of k cycles into bins k and N − k', () => {
    const n = 288;
    const x = Array.from({ length: n }, (_, t) => 3 * Math.cos((2 * Math.PI * 7 * t) / n));
    const X = realDft(x);
    const mags = Array.from(X.re, (r, k) => Math.hypot(r, X.im[k]!));
    expect(mags[7]).toBeCloseTo((3 * n) / 2, 6);
    expect(mags[n - 7]).toBeCloseTo((3 * n) / 2, 6);
    expect(mags.filter((m, k) => k !== 7 && k !== n - 7 && m > 1e-6)).toEqual([]);
  });

  it('rejects a radix-2 call on a length that is not a power of two', () => {
    expect(() => fftRadix2(new Float64Array(6), new Float64Array(6))).toThrow(/power of two/);
  });

  it.each([
    [1, 1],
    [5, 8],
    [4096, 4096],
    [4097, 8192],
  ])('nextPowerOfTwo(%i) = %i', (n, want) => {
    expect(nextPowerOfTwo(n)).toBe(want);
  });
});

describe('paddedPowerSpectrum', () => {
  it('peaks at the bin of the period after zero padding', () => {
    const x = Array.from({ length: 1000 }, (_, t) => Math.sin((2 * Math.PI * t) / 100));
    const p = paddedPowerSpectrum(x, 1024);
    let best = 1;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    expect(Math.round(1024 / best)).toBeGreaterThanOrEqual(98);
    expect(Math.round(1024 / best)).toBeLessThanOrEqual(103);
  });
});

describe('autocorrelation', () => {
  it('matches the direct unbiased estimate', () => {
    const rand = prng(42);
    const n = 200;
    const raw = Array.from({ length: n }, (_, t) => Math.sin(t / 5) + rand());
    const mean = raw.reduce((a, b) => a + b, 0) / n;
    const x = raw.map((v) => v - mean);
    const c0 = x.reduce((a, v) => a + v * v, 0) / n;
    const acf = autocorrelation(x);
    for (const lag of [0, 1, 10, 31, 150, 199]) {
      let s = 0;
      for (let t = 0; t + lag < n; t++) s += x[t]! * x[t + lag]!;
      expect(acf[lag]).toBeCloseTo(s / (n - lag) / c0, 9);
    }
  });

  it('is near 1 at the period of a periodic signal', () => {
    const x = Array.from({ length: 600 }, (_, t) => Math.cos((2 * Math.PI * t) / 60));
    const acf = autocorrelation(x);
    expect(acf[60]).toBeGreaterThan(0.99);
    expect(acf[30]).toBeLessThan(-0.99);
  });
});

/**
 * The radix-2 FFT as it was written before its tables were cached: twiddles computed in the loop,
 * stage by stage, k outer. The cached one must give the same bits, not merely close numbers (the
 * backtests' scores depend on them through the permutation test's threshold).
 */
function referenceFft(re: Float64Array, im: Float64Array, inverse: boolean): void {
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

describe('fftRadix2 with cached tables', () => {
  it.each([1, 2, 4, 8, 64, 1024, 8192])('is bit for bit the uncached transform at %i', (n) => {
    const rand = prng(n + 7);
    for (const inverse of [false, true]) {
      const re = Float64Array.from({ length: n }, () => rand() * 200 - 100);
      const im = Float64Array.from({ length: n }, () => rand() * 2 - 1);
      const wantRe = Float64Array.from(re);
      const wantIm = Float64Array.from(im);
      referenceFft(wantRe, wantIm, inverse);
      fftRadix2(re, im, inverse);
      expect(Array.from(re)).toEqual(Array.from(wantRe));
      expect(Array.from(im)).toEqual(Array.from(wantIm));
    }
  });
});

describe('maxPaddedPower', () => {
  it.each([
    [100, 128],
    [4032, 4096],
    [4096, 4096],
    [5000, 4096],
  ])('is the largest bin 1 … L/2 of paddedPowerSpectrum (%i values, L = %i)', (n, length) => {
    const rand = prng(n);
    const x = Float64Array.from({ length: n }, (_, t) => Math.sin(t / 9) + rand());
    // Twice, so the second call runs on scratch space the first one filled.
    for (let round = 0; round < 2; round++) {
      const power = paddedPowerSpectrum(x, length);
      let want = 0;
      for (let k = 1; k < power.length; k++) want = Math.max(want, power[k]!);
      expect(maxPaddedPower(x, length)).toBe(want);
      x.reverse();
    }
  });
});
