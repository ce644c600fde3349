/**
 * A small evaluator for the subset of expr-lang (https://expr-lang.org) that KEDA's
 * `scalingModifiers.formula` uses: numbers, trigger names, `nil`, `true`/`false`, `+ - * / %`,
 * comparisons, `&& || !` (and `and`, `or`, `not`), ternary `?:`, nil-coalescing `??`, `in`,
 * `let name = value; body`,
 * `**` and `^` (power), parentheses, array literals, the numeric built-ins `float`, `int`, `abs`,
 * `ceil`, `floor`, `round`, `min`, `max`, `sum`, `mean`, `median`, `len`, and the predicates
 * `count`, `all`, `any`, `none`, `one` over a list (`count(list, {# > 1})`, braces optional).
 *
 * Precedence follows expr-lang: `??` binds tightest among binary operators (`a ?? b + 1` is
 * `(a ?? b) + 1`), then `* / %`, `+ -`, comparisons, `&&`, `||`, and the ternary last.
 * Variables are trigger names; a trigger without a value at this tick (beyond its fallback
 * threshold, failed, or missing) is nil (`null`), as a missing key of expr-lang's map env is, so
 * `a ?? b` falls through to `b`. Every error — syntax, nesting deeper than `maxDepth`, a nil or
 * boolean where a number is needed — is a value naming the position, never an exception.
 *
 * @module
 */

export type FormulaValue = number | boolean | null | readonly FormulaValue[];

export type Formula =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'lit'; readonly value: boolean | null }
  | { readonly kind: 'var'; readonly name: string; readonly pos: number }
  | { readonly kind: 'elem' }
  | { readonly kind: 'array'; readonly items: readonly Formula[] }
  | { readonly kind: 'closure'; readonly body: Formula }
  | { readonly kind: 'unary'; readonly op: string; readonly arg: Formula; readonly pos: number }
  | {
      readonly kind: 'binary';
      readonly op: string;
      readonly left: Formula;
      readonly right: Formula;
      readonly pos: number;
    }
  | {
      readonly kind: 'cond';
      readonly test: Formula;
      readonly then: Formula;
      readonly else: Formula;
    }
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly args: readonly Formula[];
      readonly pos: number;
    }
  | {
      /** expr-lang's `let name = value; body`. */
      readonly kind: 'let';
      readonly name: string;
      readonly value: Formula;
      readonly body: Formula;
    };

export type FormulaResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

interface Token {
  readonly type: 'num' | 'id' | 'op' | 'end';
  readonly text: string;
  readonly pos: number;
}

const operators = [
  '??',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '**',
  '^',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '!',
  '?',
  ':',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  '#',
  '=',
  ';',
];

class FormulaSyntaxError extends Error {}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const token = readToken(rest, i);
    tokens.push(token);
    i += token.text.length;
  }
  tokens.push({ type: 'end', text: '', pos: src.length });
  return tokens;
}

function readToken(rest: string, pos: number): Token {
  const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(rest);
  if (num) return { type: 'num', text: num[0], pos };
  const id = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(rest);
  if (id) return { type: 'id', text: id[0], pos };
  const op = operators.find((o) => rest.startsWith(o));
  if (op !== undefined) return { type: 'op', text: op, pos };
  throw new FormulaSyntaxError(`unexpected character "${rest[0] ?? ''}" at position ${pos}`);
}

/** Binary operator precedence (higher binds tighter), after expr-lang's table. */
const precedence: Readonly<Record<string, number>> = {
  '||': 10,
  or: 10,
  '&&': 15,
  and: 15,
  '==': 20,
  '!=': 20,
  '<': 20,
  '>': 20,
  '<=': 20,
  '>=': 20,
  in: 20,
  '+': 30,
  '-': 30,
  '*': 60,
  '/': 60,
  '%': 60,
  '**': 100,
  '^': 100,
  '??': 500,
};

const aliases: Readonly<Record<string, string>> = { or: '||', and: '&&', '^': '**' };
const normalizeOp = (op: string): string => aliases[op] ?? op;

/** Deeper nesting is a syntax error (bounds the recursion of parsing and evaluation). */
export const maxDepth = 100;
/** Longer formulas are an error (bounds left-nested chains such as `a + a + ...`). */
export const maxLength = 4096;

class Parser {
  #i = 0;
  #depth = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  get peek(): Token {
    return this.tokens[this.#i] ?? { type: 'end', text: '', pos: 0 };
  }

  next(): Token {
    const t = this.peek;
    this.#i += 1;
    return t;
  }

  expect(text: string): Token {
    const t = this.next();
    if (t.text !== text || t.type === 'num') {
      throw new FormulaSyntaxError(`expected "${text}" at position ${t.pos}, found ${describe(t)}`);
    }
    return t;
  }

  expression(): Formula {
    this.#depth += 1;
    if (this.#depth > maxDepth) {
      throw new FormulaSyntaxError(
        `the formula nests deeper than ${maxDepth} levels at position ${this.peek.pos}`,
      );
    }
    const result =
      this.peek.type === 'id' && this.peek.text === 'let' ? this.let() : this.ternary();
    this.#depth -= 1;
    return result;
  }

  /** `let name = value; body` (the binding is visible in body only). */
  let(): Formula {
    this.next();
    const name = this.next();
    if (name.type !== 'id') {
      throw new FormulaSyntaxError(
        `expected a name after let at position ${name.pos}, found ${describe(name)}`,
      );
    }
    this.expect('=');
    const value = this.ternary();
    this.expect(';');
    return { kind: 'let', name: name.text, value, body: this.expression() };
  }

  ternary(): Formula {
    const test = this.binary(0);
    if (this.peek.type === 'op' && this.peek.text === '?') {
      this.next();
      const then = this.expression();
      this.expect(':');
      return { kind: 'cond', test, then, else: this.expression() };
    }
    return test;
  }

  binary(minPrec: number): Formula {
    let left = this.unary();
    for (;;) {
      const t = this.peek;
      const prec =
        t.type !== 'num' && Object.hasOwn(precedence, t.text) ? precedence[t.text] : undefined;
      if (prec === undefined || prec <= minPrec || t.type === 'end') return left;
      this.next();
      // `**` / `^` are right-associative; everything else is left-associative.
      const right = this.binary(prec === 100 ? prec - 1 : prec);
      left = { kind: 'binary', op: normalizeOp(t.text), left, right, pos: t.pos };
    }
  }

  unary(): Formula {
    const t = this.peek;
    if (
      (t.type === 'op' && ['-', '+', '!'].includes(t.text)) ||
      (t.type === 'id' && t.text === 'not')
    ) {
      this.next();
      const op = t.text === 'not' ? '!' : t.text;
      this.#depth += 1;
      if (this.#depth > maxDepth) {
        throw new FormulaSyntaxError(
          `the formula nests deeper than ${maxDepth} levels at position ${t.pos}`,
        );
      }
      const arg = this.unary();
      this.#depth -= 1;
      return { kind: 'unary', op, arg, pos: t.pos };
    }
    return this.primary();
  }

  primary(): Formula {
    const t = this.next();
    if (t.type === 'num') return { kind: 'num', value: Number(t.text) };
    if (t.type === 'id') return this.identifier(t);
    if (t.text === '(') {
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    if (t.text === '[') return { kind: 'array', items: this.list(']') };
    if (t.text === '{') {
      const body = this.expression();
      this.expect('}');
      return { kind: 'closure', body };
    }
    if (t.text === '#') return { kind: 'elem' };
    throw new FormulaSyntaxError(`unexpected ${describe(t)} at position ${t.pos}`);
  }

  identifier(t: Token): Formula {
    if (t.text === 'nil') return { kind: 'lit', value: null };
    if (t.text === 'true' || t.text === 'false') return { kind: 'lit', value: t.text === 'true' };
    if (this.peek.text === '(' && this.peek.type === 'op') {
      this.next();
      return { kind: 'call', name: t.text, args: this.list(')'), pos: t.pos };
    }
    return { kind: 'var', name: t.text, pos: t.pos };
  }

  list(close: string): Formula[] {
    const items: Formula[] = [];
    if (this.peek.text === close && this.peek.type === 'op') {
      this.next();
      return items;
    }
    for (;;) {
      items.push(this.expression());
      const t = this.next();
      if (t.text === close && t.type === 'op') return items;
      if (t.text !== ',' || t.type !== 'op') {
        throw new FormulaSyntaxError(
          `expected "," or "${close}" at position ${t.pos}, found ${describe(t)}`,
        );
      }
    }
  }
}

function describe(t: Token): string {
  return t.type === 'end' ? 'end of formula' : `"${t.text}"`;
}

/** Parses a formula; a syntax error names the position (0-based character offset). */
export function parseFormula(src: string): FormulaResult<Formula> {
  try {
    if (src.length > maxLength) {
      return {
        ok: false,
        error: `the formula is ${src.length} characters long, at most ${maxLength}`,
      };
    }
    const parser = new Parser(tokenize(src));
    if (parser.peek.type === 'end') return { ok: false, error: 'formula is empty' };
    const ast = parser.expression();
    const t = parser.peek;
    if (t.type !== 'end') {
      return { ok: false, error: `unexpected ${describe(t)} at position ${t.pos}` };
    }
    return { ok: true, value: ast };
  } catch (e) {
    if (e instanceof FormulaSyntaxError) return { ok: false, error: e.message };
    throw e;
  }
}

/** The variable names a formula reads (trigger names). */
export function formulaVariables(ast: Formula): string[] {
  const names = new Set<string>();
  const walk = (n: Formula, bound: ReadonlySet<string>): void => {
    if (n.kind === 'var' && !bound.has(n.name)) names.add(n.name);
    if (n.kind === 'let') {
      walk(n.value, bound);
      walk(n.body, new Set([...bound, n.name]));
      return;
    }
    for (const child of children(n)) walk(child, bound);
  };
  walk(ast, new Set());
  return [...names];
}

function children(n: Formula): readonly Formula[] {
  switch (n.kind) {
    case 'array':
      return n.items;
    case 'closure':
      return [n.body];
    case 'unary':
      return [n.arg];
    case 'binary':
      return [n.left, n.right];
    case 'cond':
      return [n.test, n.then, n.else];
    case 'call':
      return n.args;
    case 'let':
      return [n.value, n.body];
    default:
      return [];
  }
}

class FormulaRuntimeError extends Error {}

type Env = Readonly<Record<string, FormulaValue>>;

/** Evaluates a parsed formula with trigger values (null = nil). Runtime errors are values. */
export function evaluateFormula(ast: Formula, env: Env): FormulaResult<FormulaValue> {
  try {
    return { ok: true, value: evalNode(ast, env, undefined) };
  } catch (e) {
    if (e instanceof FormulaRuntimeError) return { ok: false, error: e.message };
    throw e;
  }
}

type Evaluator = (n: never, env: Env, elem: FormulaValue | undefined) => FormulaValue;

const evaluators: Readonly<Record<Formula['kind'], Evaluator>> = {
  num: (n: Extract<Formula, { kind: 'num' }>) => n.value,
  lit: (n: Extract<Formula, { kind: 'lit' }>) => n.value,
  var: (n: Extract<Formula, { kind: 'var' }>, env: Env) => lookup(n, env),
  elem: evalCollection,
  array: evalCollection,
  closure: evalCollection,
  unary: (n: Extract<Formula, { kind: 'unary' }>, env: Env, elem: FormulaValue | undefined) =>
    evalUnary(n.op, evalNode(n.arg, env, elem), n.pos),
  binary: evalBinary,
  cond: evalCond,
  call: evalCall,
  let: (n: Extract<Formula, { kind: 'let' }>, env: Env, elem: FormulaValue | undefined) =>
    evalNode(n.body, { ...env, [n.name]: evalNode(n.value, env, elem) }, elem),
};

function evalNode(n: Formula, env: Env, elem: FormulaValue | undefined): FormulaValue {
  return evaluators[n.kind](n as never, env, elem);
}

function evalCollection(
  n: Extract<Formula, { kind: 'elem' | 'array' | 'closure' }>,
  env: Env,
  elem: FormulaValue | undefined,
): FormulaValue {
  if (n.kind === 'array') return n.items.map((i) => evalNode(i, env, elem));
  if (n.kind === 'closure') {
    throw new FormulaRuntimeError(
      'a predicate {...} is only allowed as the second argument of count, all, any, none or one',
    );
  }
  if (elem === undefined) throw new FormulaRuntimeError('# used outside a predicate');
  return elem;
}

/** A name without a value (its trigger failed or is missing) is nil, as in expr-lang's map env. */
function lookup(n: Extract<Formula, { kind: 'var' }>, env: Env): FormulaValue {
  return Object.hasOwn(env, n.name) ? (env[n.name] ?? null) : null;
}

function evalCond(
  n: Extract<Formula, { kind: 'cond' }>,
  env: Env,
  elem: FormulaValue | undefined,
): FormulaValue {
  const test = evalNode(n.test, env, elem);
  if (typeof test !== 'boolean') {
    throw new FormulaRuntimeError(`the condition of ?: must be a boolean, got ${show(test)}`);
  }
  return evalNode(test ? n.then : n.else, env, elem);
}

function show(v: FormulaValue): string {
  return v === null ? 'nil' : JSON.stringify(v);
}

function num(v: FormulaValue, what: string, pos: number): number {
  if (typeof v !== 'number') {
    throw new FormulaRuntimeError(`${what} at position ${pos} needs a number, got ${show(v)}`);
  }
  return v;
}

function evalUnary(op: string, v: FormulaValue, pos: number): FormulaValue {
  if (op === '!') {
    if (typeof v !== 'boolean')
      throw new FormulaRuntimeError(`! at position ${pos} needs a boolean`);
    return !v;
  }
  const x = num(v, `unary ${op}`, pos);
  return op === '-' ? -x : x;
}

function evalBinary(
  n: Extract<Formula, { kind: 'binary' }>,
  env: Env,
  elem: FormulaValue | undefined,
): FormulaValue {
  const left = evalNode(n.left, env, elem);
  if (n.op === '??') return left ?? evalNode(n.right, env, elem);
  if (n.op === '&&' || n.op === '||')
    return evalLogical(n, left, () => evalNode(n.right, env, elem));
  const right = evalNode(n.right, env, elem);
  if (n.op === '==') return equal(left, right);
  if (n.op === '!=') return !equal(left, right);
  if (n.op === 'in') return membership(left, right, n.pos);
  return arithmetic(n.op, num(left, n.op, n.pos), num(right, n.op, n.pos));
}

function evalLogical(
  n: Extract<Formula, { kind: 'binary' }>,
  left: FormulaValue,
  right: () => FormulaValue,
): boolean {
  if (typeof left !== 'boolean')
    throw new FormulaRuntimeError(`${n.op} at position ${n.pos} needs booleans`);
  if (n.op === '&&' ? !left : left) return left;
  const r = right();
  if (typeof r !== 'boolean')
    throw new FormulaRuntimeError(`${n.op} at position ${n.pos} needs booleans`);
  return r;
}

/** expr-lang's `x in [a, b]`: whether the list holds a value equal to x. */
function membership(item: FormulaValue, list: FormulaValue, pos: number): boolean {
  if (!Array.isArray(list))
    throw new FormulaRuntimeError(`in at position ${pos} needs a list on its right`);
  return (list as readonly FormulaValue[]).some((v) => equal(item, v));
}

function equal(a: FormulaValue, b: FormulaValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const arithmeticOps: Readonly<Record<string, (a: number, b: number) => number | boolean>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '**': (a, b) => a ** b,
  '<': (a, b) => a < b,
  '>': (a, b) => a > b,
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
};

function arithmetic(op: string, a: number, b: number): FormulaValue {
  const f = arithmeticOps[op];
  if (f === undefined) throw new FormulaRuntimeError(`unknown operator ${op}`);
  return f(a, b);
}

const predicates = new Set(['count', 'all', 'any', 'none', 'one']);

/** Go's math.Round: halves away from zero (JavaScript's Math.round rounds them up). */
const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

type Call = Extract<Formula, { kind: 'call' }>;

/** Built-ins of one number. */
const unaryBuiltins: Readonly<Record<string, (x: number) => number>> = {
  float: (x) => x,
  int: Math.trunc,
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  round: roundHalfAway,
};

/** Built-ins over numbers: several arguments, or one list (`max(a, b)`, `sum([a, b])`). */
const listBuiltins: Readonly<Record<string, (xs: number[]) => number>> = {
  min: (xs) => Math.min(...xs),
  max: (xs) => Math.max(...xs),
  sum: (xs) => xs.reduce((a, b) => a + b, 0),
  mean: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
  median,
};

const builtinNames = [
  ...Object.keys(unaryBuiltins),
  ...Object.keys(listBuiltins),
  'len',
  ...predicates,
].join(', ');

function evalCall(n: Call, env: Env, elem: FormulaValue | undefined): FormulaValue {
  if (predicates.has(n.name)) return evalPredicate(n, env, elem);
  const args = n.args.map((a) => evalNode(a, env, elem));
  const unaryFn = unaryBuiltins[n.name];
  if (unaryFn !== undefined) return unaryFn(num(one(args, n), `${n.name}()`, n.pos));
  const listFn = listBuiltins[n.name];
  if (listFn !== undefined) return listFn(numbers(args, n));
  if (n.name === 'len') {
    const list = one(args, n);
    if (!Array.isArray(list))
      throw new FormulaRuntimeError(`len() at position ${n.pos} needs a list`);
    return (list as readonly FormulaValue[]).length;
  }
  throw new FormulaRuntimeError(
    `unknown function ${n.name} at position ${n.pos} (known: ${builtinNames})`,
  );
}

function one(args: readonly FormulaValue[], n: { name: string; pos: number }): FormulaValue {
  if (args.length !== 1 || args[0] === undefined) {
    throw new FormulaRuntimeError(`${n.name}() at position ${n.pos} takes one argument`);
  }
  return args[0];
}

/** The numbers of `f(a, b, ...)` or of `f([a, b, ...])`; at least one. */
function numbers(args: readonly FormulaValue[], n: Call): number[] {
  const [first] = args;
  const items =
    args.length === 1 && Array.isArray(first) ? (first as readonly FormulaValue[]) : args;
  if (items.length === 0)
    throw new FormulaRuntimeError(`${n.name}() at position ${n.pos} needs arguments`);
  return items.map((a) => num(a, `${n.name}()`, n.pos));
}

/** `count`, `all`, `any`, `none`, `one` over a list with a predicate `{...}` on `#`. */
function evalPredicate(n: Call, env: Env, elem: FormulaValue | undefined): number | boolean {
  const [listNode, predicate] = n.args;
  if (n.args.length !== 2 || listNode === undefined || predicate === undefined) {
    throw new FormulaRuntimeError(
      `${n.name}() at position ${n.pos} takes a list and a predicate {...}`,
    );
  }
  // expr-lang accepts the predicate with or without braces: count(xs, {# > 1}), count(xs, # > 1).
  const body = predicate.kind === 'closure' ? predicate.body : predicate;
  const list = evalNode(listNode, env, elem);
  if (!Array.isArray(list))
    throw new FormulaRuntimeError(`${n.name}() at position ${n.pos} needs a list`);
  const items = list as readonly FormulaValue[];
  const matches = items.filter((item) => {
    const r = evalNode(body, env, item);
    if (typeof r !== 'boolean')
      throw new FormulaRuntimeError(`${n.name}() predicate must return a boolean`);
    return r;
  }).length;
  const results: Readonly<Record<string, number | boolean>> = {
    count: matches,
    all: matches === items.length,
    any: matches > 0,
    none: matches === 0,
    one: matches === 1,
  };
  return results[n.name] ?? matches;
}

/**
 * Checks a formula as KEDA's admission webhook does (compile, then run once with every trigger
 * at -1): a runtime error, or a result that is not a number (or nil), makes it invalid.
 */
export function checkFormula(src: string, names: readonly string[]): FormulaResult<Formula> {
  const parsed = parseFormula(src);
  if (!parsed.ok) return parsed;
  const dummy = Object.fromEntries(names.map((name) => [name, -1]));
  const run = evaluateFormula(parsed.value, dummy);
  if (!run.ok) return { ok: false, error: `with every trigger at -1: ${run.error}` };
  if (run.value !== null && typeof run.value !== 'number') {
    return {
      ok: false,
      error: `must return a number, returns ${show(run.value)} with every trigger at -1`,
    };
  }
  return parsed;
}
