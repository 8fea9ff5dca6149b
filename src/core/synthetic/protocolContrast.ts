/**
 * How a site's acquisition protocol changes tissue contrast, the part of scanner
 * heterogeneity that intensity normalisation cannot undo. A linear change of scanner
 * units (scale, offset) disappears under prepareCase's z-score inside the brain; what
 * differs between real protocols is the *ordering and spacing* of tissue intensities:
 * sequence weighting (TR/TE/TI), field strength, and for T1Gd the contrast dose and the
 * delay before the scan, which set how much the enhancing rim stands out.
 *
 * Two parameters per site, both 1 for the reference protocol (TISSUE_CONTRASTS):
 * - `gamma[seq]`: every tissue's unit-scale mean m becomes m^gamma (gamma < 1 compresses
 *   the bright tissues together and lifts the dark ones, gamma > 1 the opposite);
 * - `enhancement`: the T1Gd uptake over plain T1 is scaled by it before the gamma,
 *   t1ce' = t1ce + (enhancement - 1) (t1ce - t1), so 0.5 is half the enhancement.
 */
import { SEQUENCES, type Sequence } from '../types/sequences.ts';
import { FedsegError } from '../util/errors.ts';
import { TISSUE_CONTRASTS } from './tissueContrasts.ts';

export interface ProtocolContrast {
  readonly gamma: Readonly<Record<Sequence, number>>;
  readonly enhancement: number;
}

/** The reference protocol: TISSUE_CONTRASTS unchanged. */
export const REFERENCE_PROTOCOL: ProtocolContrast = { gamma: { t1: 1, t1ce: 1, t2: 1, flair: 1 }, enhancement: 1 };

/** Mean intensity of each tissue code per sequence under this protocol (unit scale). */
export function protocolTissueContrasts(protocol: ProtocolContrast): Record<Sequence, number[]> {
  const e = protocol.enhancement;
  if (!(e > 0)) throw new FedsegError('SYNTHETIC_PROTOCOL', `protocol contrast: expected enhancement > 0, found ${e}`);
  const t1 = TISSUE_CONTRASTS.t1;
  const out = {} as Record<Sequence, number[]>;
  for (const seq of SEQUENCES) {
    const g = protocol.gamma[seq];
    if (!(g > 0)) throw new FedsegError('SYNTHETIC_PROTOCOL', `protocol contrast: expected gamma > 0, found gamma ${g} (${seq})`);
    out[seq] = TISSUE_CONTRASTS[seq].map((m, t) => {
      const base = seq === 't1ce' ? Math.max(0, m + (e - 1) * (m - t1[t]!)) : m;
      return base ** g;
    });
  }
  return out;
}

/**
 * The protocol moved a share `h` of the way from the reference: each gamma and the
 * enhancement become 1 + h (x - 1). h = 0 is the reference protocol exactly, h = 1 the
 * protocol itself; the simulator's --protocol-heterogeneity.
 */
export function scaleProtocol(protocol: ProtocolContrast, h: number): ProtocolContrast {
  if (!(h >= 0)) throw new FedsegError('SYNTHETIC_PROTOCOL', `protocol heterogeneity: expected a number >= 0, found ${h}`);
  const lerp = (x: number) => 1 + h * (x - 1);
  const gamma = Object.fromEntries(SEQUENCES.map((s) => [s, lerp(protocol.gamma[s])])) as Record<Sequence, number>;
  return { gamma, enhancement: lerp(protocol.enhancement) };
}
