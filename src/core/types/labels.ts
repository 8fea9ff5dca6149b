/**
 * BraTS labels and evaluated regions.
 * Labels (BraTS 2021): 0 background, 1 necrotic core (NCR), 2 peritumoral oedema (ED),
 * 4 enhancing tumour (ET). BraTS 2023 writes ET as 3: readers map 3 -> 4.
 * Regions: ET = {4}, TC = {1, 4}, WT = {1, 2, 4}.
 */
export const LABELS = [0, 1, 2, 4] as const;
export type Label = (typeof LABELS)[number];

export const LABEL_NAMES: Record<Exclude<Label, 0>, string> = {
  1: 'necrotic core',
  2: 'oedema',
  4: 'enhancing tumour',
};

export const REGIONS = ['ET', 'TC', 'WT'] as const;
export type Region = (typeof REGIONS)[number];

/** Which labels make up each region. */
export const REGION_LABELS: Record<Region, readonly Label[]> = {
  ET: [4],
  TC: [1, 4],
  WT: [1, 2, 4],
};

/** True when label value `v` belongs to region `r` (3 is read as 4). */
export function inRegion(v: number, r: Region): boolean {
  const l = v === 3 ? 4 : v;
  switch (r) {
    case 'ET':
      return l === 4;
    case 'TC':
      return l === 1 || l === 4;
    case 'WT':
      return l === 1 || l === 2 || l === 4;
  }
}

/**
 * Label from the three region decisions (nested: ET ⊂ TC ⊂ WT), as BraTS
 * post-processing does: ET -> 4, TC without ET -> 1, WT without TC -> 2, else 0.
 */
export function labelFromRegions(et: boolean, tc: boolean, wt: boolean): Label {
  if (et) return 4;
  if (tc) return 1;
  if (wt) return 2;
  return 0;
}

export type RegionScores = Record<Region, number>;
