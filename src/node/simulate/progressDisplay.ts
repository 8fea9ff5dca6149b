/**
 * The simulator's progress on stderr: one phase at a time, a step counter with a bar, the
 * rate and the phase's ETA. On a terminal the line is redrawn in place; otherwise (a log
 * file, CI) a line is written at most every `intervalMs` and at the end of each phase.
 */
export interface ProgressSink {
  /** start a phase of `total` units (steps, windows, cases) */
  phase(name: string, total: number, unit: string): void;
  tick(units?: number): void;
  /** a one-off line (not part of a phase) */
  note(line: string): void;
  /** end the current phase (prints its duration) */
  end(): void;
}

export const SILENT_PROGRESS: ProgressSink = { phase() {}, tick() {}, note() {}, end() {} };

const formatSeconds = (s: number): string => {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
};

export class ProgressDisplay implements ProgressSink {
  private name = '';
  private unit = '';
  private total = 0;
  private done = 0;
  private started = 0;
  private lastPrint = 0;
  private open = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly intervalMs = 5000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  phase(name: string, total: number, unit: string): void {
    if (this.open) this.end();
    this.name = name;
    this.unit = unit;
    this.total = total;
    this.done = 0;
    this.started = this.now();
    this.lastPrint = this.started;
    this.open = true;
    this.print(true);
  }

  tick(units = 1): void {
    if (!this.open) return;
    this.done += units;
    const t = this.now();
    if (this.tty || t - this.lastPrint >= this.intervalMs) {
      this.lastPrint = t;
      this.print(false);
    }
  }

  note(line: string): void {
    if (this.tty && this.open) this.write('\n');
    this.write(`${line}\n`);
  }

  end(): void {
    if (!this.open) return;
    const secs = (this.now() - this.started) / 1000;
    const line = `${this.name}: ${this.done}/${this.total} ${this.unit} in ${formatSeconds(secs)}`;
    this.write(this.tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    this.open = false;
  }

  /** the current phase line (also for tests) */
  line(): string {
    const secs = (this.now() - this.started) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const eta = this.done > 0 ? ((this.total - this.done) * secs) / this.done : NaN;
    const width = 24;
    const filled = this.total > 0 ? Math.min(width, Math.round((width * this.done) / this.total)) : 0;
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    return `${this.name} [${bar}] ${this.done}/${this.total} ${this.unit}, ${rate.toFixed(2)}/s, ETA ${formatSeconds(eta)}`;
  }

  private print(first: boolean): void {
    const l = this.line();
    if (this.tty) this.write(`\r\x1b[2K${l}`);
    else if (!first || this.total === 0) this.write(`${l}\n`);
    else this.write(`${this.name}: ${this.total} ${this.unit}\n`);
  }
}
