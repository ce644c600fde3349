import type { Command } from 'commander';

/** Every subcommand, alphabetically; each file exports `register(program)`. */
export const commands: readonly ((program: Command) => void)[] = [];
