import type { Command } from 'commander';
import { register as validate } from './validate.js';

/** Every subcommand, alphabetically; each file exports `register(program)`. */
export const commands: readonly ((program: Command) => void)[] = [validate];
