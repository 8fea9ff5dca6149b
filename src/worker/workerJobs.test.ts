import { describe, expect, it } from 'vitest';
import { WorkerJobs } from './workerJobs.ts';

describe('WorkerJobs', () => {
  it('runs one job at a time and names the one that runs', () => {
    const jobs = new WorkerJobs();
    const release = jobs.begin('the training demo');
    expect(() => jobs.begin('taking part as the site')).toThrow('taking part as the site: this page is already running the training demo; stop it first');
    release();
    release(); // twice: still one release
    const again = jobs.begin('taking part as the site');
    expect(() => jobs.begin('the training demo')).toThrow(expect.objectContaining({ code: 'WORKER_BUSY' }));
    again();
  });
});
