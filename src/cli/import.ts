import type { Command } from 'commander';

export function registerImportCommands(program: Command): void {
  void program;
}
