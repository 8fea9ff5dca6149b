/**
 * Where a federation stands, in the words its operator reads at start-up: the round in
 * progress, or that it is over (a finished federation's round is one past its last).
 */
import type { RoundStatus } from '../core/protocol/messages.ts';

export function roundLine(s: Pick<RoundStatus, 'round' | 'rounds' | 'state' | 'finished'>): string {
  return s.finished ? `finished after ${s.rounds} rounds` : `round ${s.round} of ${s.rounds} (${s.state})`;
}
