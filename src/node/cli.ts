import { COMMANDS } from './commands/index.ts';
import { FedsegError } from '../core/util/errors.ts';

const HELP_HEAD = `fedseg — federated brain-tumour segmentation

Usage: fedseg <command> [options]    (fedseg <command> --help for details)

Commands:`;

async function help(): Promise<string> {
  const lines: string[] = [HELP_HEAD];
  for (const [name, load] of Object.entries(COMMANDS)) {
    const cmd = await load();
    lines.push(`  ${name.padEnd(14)} ${cmd.summary}`);
  }
  return lines.join('\n');
}

/** Entry point of the `fedseg` command; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await help());
    return name === undefined ? 1 : 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`fedseg: unknown command "${name}"; known: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  const cmd = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof FedsegError) {
      console.error(`fedseg ${name}: ${err.message} [${err.code}]`);
      return 1;
    }
    const code = (err as { code?: unknown } | null)?.code;
    // an unknown option, a missing value, a stray argument: what was wrong, and the usage
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      console.error(`fedseg ${name}: ${(err as Error).message}\n\n${cmd.usage}`);
      return 2;
    }
    console.error(unexpectedFailure(name, err, Boolean(process.env.FEDSEG_DEBUG)));
    return 1;
  }
}

/** An unexpected error in one line (a stack through minified tfjs runs to tens of kB); the stack when debugging. */
export function unexpectedFailure(command: string, err: unknown, debug: boolean): string {
  const message = err instanceof Error ? err.message : String(err);
  const where = debug && err instanceof Error ? `\n${err.stack}` : ' (FEDSEG_DEBUG=1 shows where)';
  return `fedseg ${command}: failed: ${message.length > 1000 ? `${message.slice(0, 1000)}…` : message}${where}`;
}
