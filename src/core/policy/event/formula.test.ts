import { describe, expect, it } from 'vitest';
import { evaluateFormula, formulaVariables, parseFormula } from './formula.js';

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
    ['count([], {# > 0})', {}, 0],
    ['1.5e1 + .5', {}, 15.5],
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
    ['x + 1', {}, 'error: unknown name x at position 0'],
    ['a ? 1 : 2', { a: 1 }, 'error: the condition of ?: must be a boolean, got 1'],
    ['nope(1)', {}, 'error: unknown function nope at position 0'],
    ['#', {}, 'error: # used outside a predicate'],
  ])('runtime error for %j is a value', (src, env, message) => {
    expect(run(src, env)).toBe(message);
  });

  it('lists the variables a formula reads', () => {
    const ast = parseFormula('count([a, b], {# > c}) > 1 ? a ?? d : float(e)');
    expect(ast.ok && formulaVariables(ast.value).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
