import type { Command } from '../command.ts';

/**
 * The registry of subcommands, as data. Each entry loads its module lazily so that
 * `fedseg --help` does not load tfjs or SQLite.
 */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  metrics: async () => (await import('./metrics.ts')).metricsCommand,
};
