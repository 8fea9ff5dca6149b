/**
 * Coded terms of the segments fedseg writes, from DICOM PS3.16 CID 7168/7169 (Brain
 * Lesion Segmentation Types): necrosis and oedema are SNOMED CT concepts, enhancing
 * lesion an NCI Thesaurus concept; all under "Morphologically Abnormal Structure".
 */
import type { Label } from '../../core/types/labels.ts';

export interface CodedTerm {
  readonly CodeValue: string;
  readonly CodingSchemeDesignator: string;
  readonly CodeMeaning: string;
}

export interface SegmentTerms {
  readonly label: Exclude<Label, 0>;
  readonly segmentLabel: string;
  readonly category: CodedTerm;
  readonly type: CodedTerm;
  /** recommended display colour, CIELab scaled to 0..65535 as DICOM stores it */
  readonly cielab: readonly [number, number, number];
}

const ABNORMAL: CodedTerm = { CodeValue: '49755003', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Morphologically Abnormal Structure' };

/** One segment per BraTS label, numbered 1, 2, 3 in this order. */
export const SEGMENT_TERMS: readonly SegmentTerms[] = [
  {
    label: 1,
    segmentLabel: 'Necrotic tumour core',
    category: ABNORMAL,
    type: { CodeValue: '6574001', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Necrosis' },
    cielab: [34885, 53485, 43597], // red-ish
  },
  {
    label: 2,
    segmentLabel: 'Peritumoral oedema',
    category: ABNORMAL,
    type: { CodeValue: '79654002', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Edema' },
    cielab: [56647, 24563, 52917], // green-ish
  },
  {
    label: 4,
    segmentLabel: 'Enhancing tumour',
    category: ABNORMAL,
    type: { CodeValue: 'C113842', CodingSchemeDesignator: 'NCIt', CodeMeaning: 'Enhancing Lesion' },
    cielab: [62000, 33000, 62000], // yellow-ish
  },
];

export const SEG_ALGORITHM_NAME = 'fedseg 3D U-Net';
