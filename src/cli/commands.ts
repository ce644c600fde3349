import type { Command } from 'commander';
import { register as conformance } from './conformance.js';

/** Every subcommand, alphabetically; each file exports `register(program)`. */
export const commands: readonly ((program: Command) => void)[] = [conformance];
