/** One `fedseg` subcommand: its help text and what it does. */
export interface Command {
  /** one line for `fedseg --help` */
  readonly summary: string;
  /** the full usage text for `fedseg <name> --help` */
  readonly usage: string;
  /** runs the command; resolves to the process exit code */
  run(argv: string[]): Promise<number>;
}
