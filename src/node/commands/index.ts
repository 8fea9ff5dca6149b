import type { Command } from '../command.ts';

/**
 * The registry of subcommands, as data. Each entry loads its module lazily so that
 * `fedseg --help` does not load tfjs or SQLite.
 */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  metrics: async () => (await import('./metrics.ts')).metricsCommand,
  coordinator: async () => (await import('./coordinator.ts')).coordinatorCommand,
  invite: async () => (await import('./invite.ts')).inviteCommand,
  status: async () => (await import('./status.ts')).statusCommand,
  'export-model': async () => (await import('./exportModel.ts')).exportModelCommand,
  collaborate: async () => (await import('./collaborate.ts')).collaborateCommand,
  'train-local': async () => (await import('./trainLocal.ts')).trainLocalCommand,
  inspect: async () => (await import('./inspect.ts')).inspectCommand,
  convert: async () => (await import('./convert.ts')).convertCommand,
  simulate: async () => (await import('./simulate.ts')).simulateCommand,
  'simulate-plot': async () => (await import('./simulatePlot.ts')).simulatePlotCommand,
  bench: async () => (await import('./bench.ts')).benchCommand,
  demo: async () => (await import('./demo.ts')).demoCommand,
};
