/**
 * Which MRI sequence a DICOM series holds, decided from its SeriesDescription and
 * ProtocolName by ordered regular-expression rules (first match wins). Rules are plain
 * data so a site can adjust them in the page; `ignore` rules keep localizers, diffusion,
 * perfusion and the like out of the way.
 */
import type { Sequence } from '../../core/types/sequences.ts';

export interface SequenceRule {
  /** the sequence a match means; 'ignore' for series that are never one of the four */
  readonly sequence: Sequence | 'ignore';
  /** regular expression source, matched case-insensitively against "description | protocol" */
  readonly pattern: string;
  /** what the rule is for, shown to people */
  readonly note?: string;
}

export type SequenceRules = readonly SequenceRule[];

export const DEFAULT_SEQUENCE_RULES: SequenceRules = [
  { sequence: 'ignore', pattern: '\\b(localizer|localiser|scout|survey|3[- ]?plane|calibration|asset|refscan)\\b|\\b(dwi|dti|adc|trace|diffusion|perf|perfusion|dsc|dce|swi|swan|asl|bold|fmri|mip|mpr|dynamic)\\b|\\bt2\\s?\\*|t2star', note: 'localizers, diffusion, perfusion, susceptibility, reformats' },
  { sequence: 'flair', pattern: 'flair|\\bt2[-_ ]?f\\b|dark[-_ ]?fluid|\\btirm\\b', note: 'FLAIR (T2 fluid-attenuated)' },
  { sequence: 't1ce', pattern: '\\bt1.*(post|\\+\\s?c|\\bce\\b|gd|gad|contrast|enh|\\bc\\+)|\\b(post|gd|gad|contrast)\\b.*\\bt1|\\bt1[-_ ]?(ce|gd|c|post)\\b|(mprage|spgr|bravo|vibe).*(post|\\+\\s?c|gd|gad|contrast)', note: 'T1 after gadolinium' },
  { sequence: 't2', pattern: '\\bt2(w|[-_ ]?weighted)?\\b|\\bt2[-_ ]|_t2|\\bt2tse\\b|\\btse\\b.*\\bt2', note: 'T2-weighted' },
  { sequence: 't1', pattern: '\\bt1(w|[-_ ]?weighted)?\\b|\\bt1[-_ ]|_t1|mprage|spgr|bravo|\\btfl\\b|\\bt1pre\\b', note: 'T1 without contrast' },
];

/** The sequence a series description/protocol means under `rules`, or null when no rule matches. */
export function matchSequence(description: string, protocol: string, rules: SequenceRules = DEFAULT_SEQUENCE_RULES): SequenceRule | null {
  const text = `${description} | ${protocol}`;
  for (const rule of rules) {
    if (new RegExp(rule.pattern, 'i').test(text)) return rule;
  }
  return null;
}
