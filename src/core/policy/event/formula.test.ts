import { describe, expect, it } from 'vitest';
import {
  checkFormula,
  evaluateFormula,
  formulaVariables,
  maxDepth,
  parseFormula,
} from './formula.js';

function run(src: string, env: Record<string, number | null> = {}): unknown {
  const ast = parseFormula(src);
  if (!ast.ok) throw new Error(ast.error);
  const r = evaluateFormula(ast.value, env);
  return r.ok ? r.value : `error: ${r.error}`;
}

describe('formula', () => {
  it.each([
    ['1 + 2 * 3', {}, 7],
    ['(1 + 2) * 3', {}, 9],
    ['a + b', { a: 2, b: 3 }, 5],
    ['a / b', { a: 1, b: 4 }, 0.25],
    ['10 - 2 - 3', {}, 5],
    ['2 ** 3 ** 2', {}, 512],
    ['-a + 1', { a: 2 }, -1],
    ['a > 1 ? 5 : 0', { a: 2 }, 5],
    ['a > 1 ? 5 : 0', { a: 1 }, 0],
    ['a >= 1 && b < 2', { a: 1, b: 1 }, true],
    ['a == 1 or not (b != 2)', { a: 0, b: 2 }, true],
    ['primary ?? secondary ?? 8', { primary: null, secondary: 12 }, 12],
    ['primary ?? secondary ?? 8', { primary: null, secondary: null }, 8],
    ['p ?? 1 + 1', { p: 5 }, 6],
    ['a ?? b', { a: null, b: null }, null],
    ['float(a) / 2', { a: 3 }, 1.5],
    ['int(7.9)', {}, 7],
    ['max(a, b, 4)', { a: 1, b: 9 }, 9],
    ['min(a, b)', { a: 1, b: 9 }, 1],
    ['abs(-3)', {}, 3],
    ['count([kw_trig,metrics_api],{#>1}) > 1 ? 5 : 0', { kw_trig: 2, metrics_api: 0 }, 0],
    ['count([kw_trig,metrics_api],{#>1}) > 1 ? 5 : 0', { kw_trig: 2, metrics_api: 3 }, 5],
    ['count([a, b], # > 1)', { a: 2, b: 3 }, 2],
    ['all([a, b], # > 2)', { a: 2, b: 3 }, false],
    ['any([a, b], {# > 2})', { a: 2, b: 3 }, true],
    ['a in [1, 2] ? 10 : 0', { a: 2 }, 10],
    ['a in [1, 2]', { a: 3 }, false],
    ['a + 1 in [3]', { a: 2 }, true],
    ['let s = a + b; s > 4 ? s : 0', { a: 2, b: 3 }, 5],
    // The wrapping KEDA's webhook gives a formula with ?? (castToFloatIfNecessary).
    [
      'let _kedaCompositeResult = (p ?? q); _kedaCompositeResult == nil ? nil : float(_kedaCompositeResult)',
      { p: null, q: 4 },
      4,
    ],
    [
      'let _kedaCompositeResult = (p ?? q); _kedaCompositeResult == nil ? nil : float(_kedaCompositeResult)',
      { p: null, q: null },
      null,
    ],
    ['count([], {# > 0})', {}, 0],
    ['1.5e1 + .5', {}, 15.5],
    // A trigger without a value (failed, beyond its fallback threshold, or missing) is nil.
    ['missing ?? 3', {}, 3],
    ['failed ?? other ?? 4', { failed: null, other: null }, 4],
    ['2 ^ 3 ^ 2', {}, 512],
    ['7 % 3', {}, 1],
    ['ceil(a / 2)', { a: 3 }, 2],
    ['floor(-1.5)', {}, -2],
    ['round(2.5) + round(-2.5)', {}, 0],
    ['round(1.4)', {}, 1],
    ['sum([a, b, 1])', { a: 2, b: 3 }, 6],
    ['mean([a, b])', { a: 2, b: 3 }, 2.5],
    ['median([5, a, b])', { a: 1, b: 9 }, 5],
    ['median([4, 1, 3, 2])', {}, 2.5],
    ['max([a, b])', { a: 2, b: 3 }, 3],
    ['len([a, b, 1])', { a: 2, b: 3 }, 3],
    ['all([a, b], {# > 1})', { a: 2, b: 3 }, true],
    ['any([a, b], {# > 2})', { a: 2, b: 3 }, true],
    ['none([a, b], {# > 5})', { a: 2, b: 3 }, true],
    ['one([a, b], {# > 1})', { a: 2, b: 3 }, false],
    ['a > 1 and b > 1 ? a * b : 0', { a: 2, b: 3 }, 6],
    ['!(a < 1) || false', { a: 2 }, true],
    ['a == nil ? 1 : 2', { a: null }, 1],
    ['float(trig_one < 2 ? trig_one+trig_two >= 2 ? 5 : 10 : 0)', { trig_one: 1, trig_two: 1 }, 5],
    ['float(trig_one < 2 ? trig_one+trig_two >= 2 ? 5 : 10 : 0)', { trig_one: 1, trig_two: 0 }, 10],
  ])('%s with %j = %j', (src, env, expected) => {
    expect(run(src, env)).toEqual(expected);
  });

  it.each([
    ['1 +', 'unexpected end of formula at position 3'],
    ['(1 + 2', 'expected ")" at position 6, found end of formula'],
    ['a @ b', 'unexpected character "@" at position 2'],
    ['1 2', 'unexpected "2" at position 2'],
    ['', 'formula is empty'],
    ['f(1', 'expected "," or ")" at position 3, found end of formula'],
    ['a constructor b', 'unexpected "constructor" at position 2'],
  ])('parse error for %j names the position', (src, message) => {
    const r = parseFormula(src);
    expect(r).toEqual({ ok: false, error: message });
  });

  it.each([
    ['a + 1', { a: null }, 'error: + at position 2 needs a number, got nil'],
    ['x + 1', {}, 'error: + at position 2 needs a number, got nil'],
    ['a ? 1 : 2', { a: 1 }, 'error: the condition of ?: must be a boolean, got 1'],
    [
      'nope(1)',
      {},
      'error: unknown function nope at position 0 (known: float, int, abs, ceil, floor, round, min, max, sum, mean, median, len, count, all, any, none, one)',
    ],
    ['len(1)', {}, 'error: len() at position 0 needs a list'],
    ['sum([])', {}, 'error: sum() at position 0 needs arguments'],
    ['all(1, {# > 1})', {}, 'error: all() at position 0 needs a list'],
    [
      '{1}',
      {},
      'error: a predicate {...} is only allowed as the second argument of count, all, any, none or one',
    ],
    ['#', {}, 'error: # used outside a predicate'],
  ])('runtime error for %j is a value', (src, env, message) => {
    expect(run(src, env)).toBe(message);
  });

  it('a formula nested too deeply is a syntax error, not a stack overflow', () => {
    const deep = `${'('.repeat(maxDepth + 1)}1${')'.repeat(maxDepth + 1)}`;
    expect(parseFormula(deep)).toMatchObject({ ok: false });
    expect(parseFormula('-'.repeat(100_000) + '1')).toMatchObject({ ok: false });
    expect(parseFormula('('.repeat(100_000))).toMatchObject({ ok: false });
    const chain = parseFormula(`${'a + '.repeat(1000)}1`);
    expect(chain.ok && evaluateFormula(chain.value, { a: 1 })).toEqual({ ok: true, value: 1001 });
    expect(parseFormula(`${'a + '.repeat(1100)}1`)).toEqual({
      ok: false,
      error: 'the formula is 4401 characters long, at most 4096',
    });
  });

  it.each([
    ['a + b', ['a', 'b'], true],
    ['a ?? b ?? 5', ['a', 'b'], true],
    ['a > 1', ['a'], 'must return a number, returns false with every trigger at -1'],
    ['a ? 1 : 2', ['a'], 'with every trigger at -1: the condition of ?: must be a boolean, got -1'],
    ['[a]', ['a'], 'must return a number, returns [-1] with every trigger at -1'],
  ])('checkFormula(%j) as KEDA validates it', (src, names, expected) => {
    const r = checkFormula(src, names);
    expect(r.ok ? true : r.error).toBe(expected);
  });

  it('lists the variables a formula reads', () => {
    const ast = parseFormula('count([a, b], {# > c}) > 1 ? a ?? d : float(e)');
    expect(ast.ok && formulaVariables(ast.value).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const bound = parseFormula('let s = a + s0; s * b');
    expect(bound.ok && formulaVariables(bound.value).sort()).toEqual(['a', 'b', 's0']);
  });

  it('reads let and = apart from ==, and names a malformed let', () => {
    expect(run('let x = 1; x == 1')).toBe(true);
    expect(parseFormula('let = 1; 2')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/expected a name after let/),
    });
    expect(parseFormula('let x = 1 x')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/expected ";"/),
    });
  });
});
