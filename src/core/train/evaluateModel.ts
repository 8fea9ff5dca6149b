/**
 * Evaluation of a model on labelled cases, as BraTS and FeTS report it: per case and
 * region (ET, TC, WT) Dice and HD95 (mm) of the sliding-window prediction, and their
 * means. Unlabelled cases are skipped.
 */
import { regionMetrics } from '../metrics/regionMetrics.ts';
import { loadCase, type CaseList } from './caseSet.ts';
import { REGIONS, type RegionScores } from '../types/labels.ts';
import type { UNet3D } from '../model/unet3d.ts';
import { predictLabels } from '../inference/predictLabels.ts';

export interface EvaluationResult {
  /** labelled cases evaluated */
  cases: number;
  /** means over the cases (NaN when there are none) */
  dice: RegionScores;
  hd95: RegionScores;
  perCase: { id: string; dice: RegionScores; hd95: RegionScores }[];
}

export async function evaluateModel(
  model: UNet3D,
  cases: CaseList,
  opts: { overlap?: number; signal?: { readonly aborted: boolean } } = {},
): Promise<EvaluationResult> {
  const perCase: EvaluationResult['perCase'] = [];
  for (let i = 0; i < cases.length; i++) {
    // one case at a time: a CaseSet's cases are loaded as they are scored
    const c = await loadCase(cases, i);
    if (!c.label) continue;
    // a Stop during validation ends it between windows, not after every case
    const pred = await predictLabels(model, c, { ...(opts.overlap !== undefined ? { overlap: opts.overlap } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    const m = regionMetrics(c.label, pred, c.dims, c.spacing);
    perCase.push({ id: c.id, dice: m.dice, hd95: m.hd95 });
  }
  const mean = (key: 'dice' | 'hd95'): RegionScores => {
    const out = { ET: NaN, TC: NaN, WT: NaN };
    for (const r of REGIONS) out[r] = perCase.length ? perCase.reduce((s, c) => s + c[key][r], 0) / perCase.length : NaN;
    return out;
  };
  return { cases: perCase.length, dice: mean('dice'), hd95: mean('hd95'), perCase };
}
