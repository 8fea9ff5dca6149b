/**
 * The Worker runs one long job at a time, the training demo or taking part as the site:
 * both would train on the same GPU, each at half speed, and the site could miss its
 * round's deadline because of a demo.
 */
import { FedsegError } from '../core/util/errors.ts';

export class WorkerJobs {
  private running: string | null = null;

  /** Claims the Worker for `what`; WORKER_BUSY, naming the job that runs, when it is taken. The release may be called more than once. */
  begin(what: string): () => void {
    if (this.running !== null) throw new FedsegError('WORKER_BUSY', `${what}: this page is already running ${this.running}; stop it first`);
    this.running = what;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running = null;
    };
  }
}
