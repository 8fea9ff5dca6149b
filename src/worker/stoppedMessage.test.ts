import { describe, expect, it } from 'vitest';
import { stoppedMessage } from './stoppedMessage.ts';
import type { SitePhase } from './workerApi.ts';

const at = (phase: SitePhase, round = 32) => stoppedMessage({ phase, round, rounds: 100, message: 'x' });

describe('stoppedMessage', () => {
  it('says in which round Stop came and whether that round\'s update had left the site', () => {
    expect(at('validating')).toBe("Stopped in round 32 (validating): this round's update was not sent. This site no longer takes part.");
    expect(at('training')).toMatch(/^Stopped in round 32 \(training\): this round's update was not sent/);
    expect(at('uploading')).toMatch(/may or may not have it/);
    expect(at('waiting')).toBe("Stopped after round 32's update was sent. This site no longer takes part.");
    expect(at('preparing', 0)).toBe('Stopped while the cases were prepared: nothing was sent.');
    expect(at('idle', 0)).toBe('Stopped: this site no longer takes part.');
  });
});
