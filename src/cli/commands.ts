import type { Command } from 'commander';
import { register as backtest } from './backtest.js';
import { register as conformance } from './conformance.js';
import { register as controller } from './controller.js';
import { register as crd } from './crd.js';
import { register as decide } from './decide.js';
import { register as importCommand } from './import.js';
import { register as run } from './run.js';
import { register as tune } from './tune.js';
import { register as validate } from './validate.js';

/** Every subcommand, alphabetically; each file exports `register(program)`. One per line. */
// prettier-ignore
export const commands: readonly ((program: Command) => void)[] = [
  backtest,
  conformance,
  controller,
  crd,
  decide,
  importCommand,
  run,
  tune,
  validate,
];
