/**
 * Tissue classes of the synthetic phantom and their mean intensities per MRI sequence,
 * on a unit scale (the brightest tissue of a sequence near 1). The ordering follows the
 * textbook appearance of a glioblastoma:
 * - T1: white matter brighter than grey, CSF dark, tumour hypointense;
 * - T1Gd: as T1, but the enhancing rim is the brightest tissue;
 * - T2: CSF and oedema bright, necrosis bright, white matter dark;
 * - FLAIR: as T2 with free water (CSF) suppressed: oedema bright, CSF dark.
 */
import type { Sequence } from '../types/sequences.ts';

export const TISSUES = ['background', 'csf', 'grey', 'white', 'necrosis', 'enhancing', 'oedema'] as const;
export type Tissue = (typeof TISSUES)[number];

/** Tissue codes as stored in the phantom's tissue map (index into TISSUES). */
export const TISSUE_CODE: Readonly<Record<Tissue, number>> = {
  background: 0,
  csf: 1,
  grey: 2,
  white: 3,
  necrosis: 4,
  enhancing: 5,
  oedema: 6,
};

/** BraTS label of each tissue code (0 for healthy tissue). */
export const TISSUE_LABEL: readonly number[] = [0, 0, 0, 0, 1, 4, 2];

/** Mean intensity of each tissue code (index = code) per sequence. */
export const TISSUE_CONTRASTS: Readonly<Record<Sequence, readonly number[]>> = {
  //      bg   csf   grey  white necr  enh   oedema
  t1: [0, 0.22, 0.55, 0.78, 0.18, 0.42, 0.4],
  t1ce: [0, 0.24, 0.56, 0.76, 0.2, 1.0, 0.44],
  t2: [0, 1.0, 0.62, 0.42, 0.88, 0.6, 0.82],
  flair: [0, 0.12, 0.58, 0.46, 0.52, 0.72, 1.0],
};
