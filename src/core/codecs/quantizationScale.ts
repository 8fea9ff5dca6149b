/**
 * The per-tensor scale of the int8 / int4 codecs (q = clamp(round(x / s), -L, L)).
 * - 'maxabs': s = max |x| / L, so nothing is clipped and every value rounds to within s/2.
 * - 'mse': s = f * max |x| / L for the f in SCALE_FRACTIONS that gives the least squared
 *   error sum_k (x_k - q_k s)^2, clipping included. An update's values are bell-shaped with
 *   a few large ones; covering those spends most of the 2L + 1 levels on values that hardly
 *   occur. Clipping them gives the common values finer steps (Banner, Nahshan and Soudry,
 *   "Post training 4-bit quantization of convolutional networks for rapid-deployment",
 *   NeurIPS 2019: the squared-error-optimal clip of a Gaussian at 4 bits is about 2.5 sigma,
 *   far inside the maximum of a few thousand values). With error feedback what was clipped
 *   is kept at the site and sent later. f = 1 is a candidate, so 'mse' never has a larger
 *   squared error than 'maxabs'.
 * Bound of 'mse': a value not clipped is off by at most s/2 <= max|x| / (2L); a clipped one by
 * at most max|x| - L s <= (1 - min f) max|x|.
 * Measured (docs/results.md, section 3): for int4 at 120 rounds over 16 seeds, 'mse' sends
 * 1/8.5 of float32 instead of 1/9.5 with 0.14 instead of 0.18 error per update, and no better
 * Dice; so 'maxabs' stays the default.
 */
export type ScaleRule = 'maxabs' | 'mse';

/** Candidate fractions of the max-abs scale tried by 'mse': 1, 0.95, ..., 0.4. */
export const SCALE_FRACTIONS: readonly number[] = Array.from({ length: 13 }, (_, k) => 1 - 0.05 * k);

/** The largest error of a clipped value under 'mse', as a fraction of max |x|. */
export const MSE_CLIP_BOUND = 1 - Math.min(...SCALE_FRACTIONS);

/** Scale of v[from..to) at L levels each side of zero; 0 for an all-zero range. */
export function quantizationScale(v: Float32Array, from: number, to: number, levels: number, rule: ScaleRule): number {
  let m = 0;
  for (let k = from; k < to; k++) m = Math.max(m, Math.abs(v[k]!));
  const full = Math.fround(m / levels);
  if (rule === 'maxabs' || full === 0) return full;
  let best = full;
  let bestError = Number.POSITIVE_INFINITY;
  for (const f of SCALE_FRACTIONS) {
    const s = Math.fround(f * full);
    let error = 0;
    for (let k = from; k < to && error < bestError; k++) {
      const x = v[k]!;
      const d = x - Math.max(-levels, Math.min(levels, Math.round(x / s))) * s;
      error += d * d;
    }
    if (error < bestError) {
      bestError = error;
      best = s;
    }
  }
  return best;
}
