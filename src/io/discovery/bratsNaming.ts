/**
 * BraTS file naming: "<case>_<sequence>.nii[.gz]" with sequence t1, t1ce, t2, flair and
 * seg (BraTS 2018-2021), or "<case>-t1n|t1c|t2w|t2f|seg" (BraTS 2023); a few common
 * variants (t1gd, t1c, t1post, t2f, fla, label, gt) are accepted too.
 *
 * "mask" is not a label name: in preprocessed datasets "<case>_mask" is most often the
 * brain mask from skull stripping, and taking it as the tumour ground truth would train
 * on it (niftiCases lists such files as not used, with the reason).
 */
import type { Sequence } from '../../core/types/sequences.ts';

export type BratsRole = Sequence | 'seg';

export interface BratsName {
  /** folder + name prefix shared by the files of one case */
  readonly caseKey: string;
  readonly role: BratsRole;
}

const ROLES: readonly (readonly [BratsRole, RegExp])[] = [
  ['t1ce', /^(t1ce|t1gd|t1c|t1post|t1_ce|t1_gd|t1wce|t1w_ce)$/i],
  ['t1', /^(t1|t1n|t1w|t1pre)$/i],
  ['t2', /^(t2|t2w)$/i],
  ['flair', /^(flair|t2f|fla|t2flair|t2_flair)$/i],
  ['seg', /^(seg|seg_groundtruth|labels?|gt|groundtruth|seg_gt)$/i],
];

/** A mask that is not the label: "<case>_mask", "_brain_mask", "-brainmask", "_t1_mask". */
export function isMaskName(path: string): boolean {
  const stem = stripNiftiExtension(path);
  return /(^|[_-])(brain[_-]?)?mask$/i.test(stem.slice(stem.lastIndexOf('/') + 1));
}

/** Strips .nii / .nii.gz (any case). */
export function stripNiftiExtension(name: string): string {
  return name.replace(/\.nii(\.gz)?$/i, '');
}

/** The case and role a NIfTI file name means, or null when it follows no known naming. */
export function parseBratsName(path: string): BratsName | null {
  const stem = stripNiftiExtension(path);
  const slash = stem.lastIndexOf('/');
  const folder = slash < 0 ? '' : stem.slice(0, slash + 1);
  const base = stem.slice(slash + 1);
  // try the longest suffix first: "_seg_GroundTruth" before "_GroundTruth"
  const parts = base.split(/([_-])/);
  for (let cut = 1; cut < parts.length; cut += 2) {
    const prefix = parts.slice(0, cut).join('');
    const suffix = parts.slice(cut + 1).join('');
    for (const [role, re] of ROLES) {
      if (re.test(suffix) && prefix.length > 0) return { caseKey: folder + prefix, role };
    }
  }
  return null;
}
