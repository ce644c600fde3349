/**
 * Type guards for values restored from outside the engine (persisted state, JSON input).
 *
 * @module
 */

/** A non-null object, so its fields can be checked one by one. */
export const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null;
