/**
 * A tiny labelled phantom already in model input form (z-scored-like intensities): a
 * sphere of oedema (2) around an enhancing rim (4) around a necrotic core (1), each
 * label with its own contrast in the four channels, plus noise. For tests and
 * benchmarks that must not depend on the full synthetic generator and preprocessing.
 */
import type { TrainingCase } from '../types/case.ts';
import { toHalf } from '../util/halfFloat.ts';
import { Rng } from '../util/rng.ts';

/** channel means (t1, t1ce, t2, flair) per label 0, 1, 2, 4 */
const CONTRAST: Record<number, readonly number[]> = {
  0: [0, 0, 0, 0],
  1: [-1, -0.5, 1.5, 0.5],
  2: [-0.5, -0.3, 1.0, 1.8],
  4: [0.2, 2.2, 0.6, 0.9],
};

export function sphereCase(opts: { seed: number; dims?: readonly [number, number, number]; radius?: number; noise?: number; id?: string }): TrainingCase {
  const dims = opts.dims ?? [16, 16, 16];
  const [nx, ny, nz] = dims;
  const rng = new Rng(opts.seed);
  const r = opts.radius ?? Math.min(nx, ny, nz) * 0.35;
  const noise = opts.noise ?? 0.1;
  const c = [nx, ny, nz].map((n) => n / 2 + rng.uniform(-1, 1));
  const label = new Uint8Array(nx * ny * nz);
  const image = new Uint16Array(nx * ny * nz * 4);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const v = x + nx * (y + ny * z);
        const d = Math.hypot(x - (c[0] as number), y - (c[1] as number), z - (c[2] as number)) / r;
        const l = d < 0.35 ? 1 : d < 0.65 ? 4 : d < 1 ? 2 : 0;
        label[v] = l;
        const mean = CONTRAST[l] as readonly number[];
        for (let ch = 0; ch < 4; ch++) image[v * 4 + ch] = toHalf((mean[ch] as number) + noise * rng.normal());
      }
  return { id: opts.id ?? `sphere-${opts.seed}`, dims: [nx, ny, nz], spacing: [1, 1, 1], image, label };
}
