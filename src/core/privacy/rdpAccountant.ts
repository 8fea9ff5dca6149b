/**
 * Rényi-DP accountant for the Gaussian mechanism, as DP-FedAvg uses it.
 *
 * - RDP of one Gaussian-mechanism release with L2 sensitivity 1 and noise standard deviation
 *   sigma (the noise multiplier): eps_alpha = alpha / (2 sigma^2) (Mironov, "Rényi Differential
 *   Privacy", CSF 2017, Prop. 7). Over T rounds RDP composes additively: T alpha / (2 sigma^2).
 * - Every site takes part in every round (sampling rate q = 1), so no subsampling
 *   amplification is claimed and the composition above is exact.
 * - Conversion to (epsilon, delta): eps = rdp + log((alpha-1)/alpha) - (log delta + log alpha)/(alpha-1)
 *   (Balle, Barthe, Gaboardi, Hsu, Sato, "Hypothesis Testing Interpretations and Renyi
 *   Differential Privacy", AISTATS 2020, Thm. 21), minimised over alpha on a fine grid.
 */
import { FedsegError } from '../util/errors.ts';

/** Orders alpha: 1.01 .. 10^5, log-spaced (deterministic). */
const ORDERS: readonly number[] = Array.from({ length: 4000 }, (_, i) => 1 + 0.01 * Math.pow(1e7, i / 3999));

/** RDP of T Gaussian releases at order alpha. */
export function gaussianRdp(noiseMultiplier: number, rounds: number, alpha: number): number {
  return (rounds * alpha) / (2 * noiseMultiplier * noiseMultiplier);
}

/** Convert an RDP curve to epsilon at delta (best order). */
export function rdpToEpsilon(rdpAt: (alpha: number) => number, delta: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (const a of ORDERS) {
    const eps = rdpAt(a) + Math.log((a - 1) / a) - (Math.log(delta) + Math.log(a)) / (a - 1);
    if (eps < best) best = eps;
  }
  return Math.max(0, best);
}

/** (epsilon, delta)-DP spent after roundsDone rounds at this noise multiplier (0 rounds: 0). */
export function epsilonSpent(noiseMultiplier: number, roundsDone: number, delta: number): number {
  checkDelta(delta);
  if (roundsDone <= 0) return 0;
  if (!(noiseMultiplier > 0)) return Number.POSITIVE_INFINITY;
  return rdpToEpsilon((a) => gaussianRdp(noiseMultiplier, roundsDone, a), delta);
}

/**
 * The smallest noise multiplier (to 0.1% relative) whose epsilon after `rounds` rounds is at
 * most `epsilon`, by bisection (epsilon decreases as the multiplier grows).
 */
export function noiseMultiplierFor(epsilon: number, delta: number, rounds: number): number {
  checkDelta(delta);
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) {
    throw new FedsegError('DP_INVALID', `expected a target epsilon > 0, found ${String(epsilon)}`);
  }
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new FedsegError('DP_INVALID', `expected rounds as a positive integer, found ${String(rounds)}`);
  }
  let lo = 1e-3;
  let hi = 1;
  while (epsilonSpent(hi, rounds, delta) > epsilon) {
    hi *= 2;
    if (hi > 1e7) throw new FedsegError('DP_INVALID', `no noise multiplier reaches epsilon ${epsilon} at delta ${delta} over ${rounds} rounds`);
  }
  while (hi / lo > 1.001) {
    const mid = Math.sqrt(lo * hi);
    if (epsilonSpent(mid, rounds, delta) > epsilon) lo = mid;
    else hi = mid;
  }
  return hi;
}

function checkDelta(delta: number): void {
  if (!(delta > 0 && delta < 1)) throw new FedsegError('DP_INVALID', `expected delta in (0, 1), found ${String(delta)}`);
}
