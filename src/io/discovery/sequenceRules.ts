/**
 * Which MRI sequence a DICOM series holds, decided from its SeriesDescription and
 * ProtocolName by ordered regular-expression rules (first match wins). Rules are plain
 * data so a site can adjust them in the page; `ignore` rules keep localizers, diffusion,
 * perfusion and the like out of the way.
 *
 * Vendors join words with `_` (Philips "T1W_3D_TFE", Siemens "t2_swi_tra"), and `_` is a
 * word character for `\b`, so the default rules mark word edges with `[^a-z0-9]` (or the
 * start / end of the text) instead of `\b`.
 */
import type { Sequence } from '../../core/types/sequences.ts';

export interface SequenceRule {
  /** the sequence a match means; 'ignore' for series that are never one of the four */
  readonly sequence: Sequence | 'ignore';
  /**
   * regular expression source, matched case-insensitively against the description alone
   * and, when no rule matches that, against "description | protocol"
   */
  readonly pattern: string;
  /** what the rule is for, shown to people */
  readonly note?: string;
}

export type SequenceRules = readonly SequenceRule[];

// Pieces the default patterns are written from (plain strings: each rule's pattern is one
// regular expression source).
/** start of a word: the text's start or a character that is no letter or digit */
const W = '(?:^|[^a-z0-9])';
/** end of a word */
const E = '(?![a-z0-9])';
/** "T1" as its own token, with Philips' W ("T1W") and "s" (SENSE, "sT1W") allowed: T1, t1_, T1W_, sT1W, T1SE; not T10, T1rho */
const T1 = `${W}s?t1(?![0-9]|rho)`;
/** T1-weighted sequences named without "T1" */
const T1_NAMES = `mprage|spgr|bravo|vibe|${W}tfl${E}`;
const T1_ANY = `(?:${T1}|${T1_NAMES})`;
/**
 * a contrast agent named in the languages scanners are set up in: German KM (Kontrastmittel),
 * Italian MdC (mezzo di contrasto), "kontrast"; "gado"/"gadolinium" and "contraste"
 * (French, Spanish) contain gad and contrast
 */
const AGENT = `${W}(?:km|mdc)${E}|kontrast`;
/** words saying gadolinium was given (also inside words: "POSTGD", "gadolinium", "enhanced") */
const CONTRAST = `(?:(?:^|[^a-z])post|\\+\\s?(?:c|gd|gad|km)|(?:^|[^a-z])c\\+|${W}ce${E}|gd|gad|contrast|enh|${AGENT})`;
/** "post"/"+C"/"C+"/"+KM", German "nach KM": unambiguous signs of a post-contrast series, which a "pre" elsewhere does not undo */
const POST = `(?:(?:^|[^a-z])post|\\+\\s?(?:c|gd|gad|km)|(?:^|[^a-z])c\\+|${W}nach[-_ ]?(?:km|kontrast))`;
/** "with and without", "w/wo", "w/ and w/o": a whole exam, not this series */
const BOTH = `(?:with[-_ ]?(?:and|&|/|or)[-_ ]?without|${W}w/?[-_ ]?(?:and|&|/)?[-_ ]?w/?o${E})`;
/**
 * wording that says no contrast was given: "pre", "pre-contrast", "PRE GD", "without/w/o/no/non contrast",
 * "non-enhanced", "unenhanced", "nativ"; German "ohne/vor KM", Spanish "sin contraste", Italian "senza MdC",
 * French "sans gado"
 */
const NO_CONTRAST = `(?:(?:^|[^a-z])pre(?:contrast|gd|gad|gado)?(?![a-z])|(?:^|[^a-z/])(?:without|w/o|wo|no|non|ohne|vor|sin|senza|sans)[-_ ]?(?:contrast|con|gd|gad|enh|c${E}|km${E}|mdc${E}|kontrast)|un[-_ ]?enh|(?:^|[^a-z])nativ)`;

export const DEFAULT_SEQUENCE_RULES: SequenceRules = [
  // 1. series that are none of the four; first, so "t2_swi_tra", "T2W_FFE" (Philips T2* gradient echo)
  //    or "T1 DCE" never become T2 or T1 (`\bmpr\b` keeps its plain word edges: Siemens'
  //    "t1_mpr_ns_sag" is an MPRAGE, not a reformat)
  {
    sequence: 'ignore',
    pattern: `${W}(localizer|localiser|scout|survey|3[- ]?plane|calibration|asset|refscan|dwi|dti|adc|trace|diffusion|perf|perfusion|dsc|dce|swi|swan|asl|bold|fmri|mip|dynamic)${E}|\\bmpr\\b|\\bt2\\s?\\*|t2star|${W}s?t2w?[-_ ]?(ffe|fl2d|gre)${E}`,
    note: 'localizers, diffusion, perfusion, susceptibility (T2*, SWI), reformats',
  },
  // 2. a T1 whose wording says no contrast ("AX T1 PRE GD", "Pre-contrast T1", "T1 w/o contrast",
  //    "T1 non-enhanced"); before the T1Gd rule, whose words ("gd", "contrast", "enh") these contain.
  //    Not when the series also says post/+C, nor for "with and without contrast" (the exam's wording).
  {
    sequence: 't1',
    pattern: `^(?!.*${POST})(?!.*${BOTH})(?=.*${T1_ANY}).*${NO_CONTRAST}`,
    note: 'T1 described as before contrast',
  },
  // 3. T1 after gadolinium: a T1 (also a T1 FLAIR, "T1W_3D_TFE_GD") with post/+C/C+/Gd/gad/contrast/enh,
  //    in either order, or one token: T1CE, T1C, T1GD, T1post. A T2 FLAIR "POST GD" has no T1: it is FLAIR.
  {
    sequence: 't1ce',
    pattern: `${T1_ANY}.*${CONTRAST}|(?:(?:^|[^a-z])post|gd|gad|contrast).*${T1_ANY}|${W}t1[-_ ]?(ce|gd|c|post)(?![a-z])`,
    note: 'T1 after gadolinium',
  },
  // 4. GE's T1 FLAIR ("AX T1 FLAIR", "T1FLAIR") is T1-weighted; before the FLAIR rule, which would take it
  {
    sequence: 't1',
    pattern: `${T1}.*flair|flair.*${T1}`,
    note: 'T1 FLAIR (T1-weighted), without contrast',
  },
  // 5. FLAIR (T2 fluid-attenuated); before T2, as "T2 FLAIR" and "T2W_FLAIR" name T2 too
  {
    sequence: 'flair',
    pattern: `flair|${W}t2[-_ ]?f${E}|dark[-_ ]?fluid|${W}tirm${E}`,
    note: 'FLAIR (T2 fluid-attenuated)',
  },
  // 6. T2-weighted: T2, T2W_TSE, sT2W, t2_tse
  {
    sequence: 't2',
    pattern: `${W}s?t2(?![0-9])`,
    note: 'T2-weighted',
  },
  // 7. T1 without contrast: T1, T1W_SE, sT1W_3D_TFE, t1_mprage, SPGR, BRAVO, tfl
  {
    sequence: 't1',
    pattern: T1_ANY,
    note: 'T1 without contrast',
  },
];

function firstMatch(text: string, rules: SequenceRules): SequenceRule | null {
  for (const rule of rules) {
    if (new RegExp(rule.pattern, 'i').test(text)) return rule;
  }
  return null;
}

/**
 * The sequence a series description/protocol means under `rules`, or null when no rule
 * matches. The description is tried alone first: GE writes one ProtocolName for the whole
 * exam ("BRAIN W/WO CONTRAST"), which must not turn every T1 into T1Gd. When no rule
 * matches the description, "description | protocol" is tried; and a description that
 * reads as a plain T1 takes the protocol's word on contrast (Siemens and Philips write a
 * protocol per series: "t1_mprage_sag" / "t1_mprage_sag_post") unless the protocol names
 * both (pre and post, with and without), as an exam-wide one does.
 */
export function matchSequence(description: string, protocol: string, rules: SequenceRules = DEFAULT_SEQUENCE_RULES): SequenceRule | null {
  const alone = description ? firstMatch(description, rules) : null;
  const both = firstMatch(`${description} | ${protocol}`, rules);
  if (alone === null) return both;
  if (alone.sequence === 't1' && both?.sequence === 't1ce' && !EXAM_WIDE.test(protocol) && !SAYS_NO_CONTRAST.test(description)) return both;
  return alone;
}

/** A protocol name that covers the exam before and after contrast ("BRAIN W/WO", "T1 pre and post", "vor und nach KM"). */
const EXAM_WIDE = /w\s*\/\s*wo|with\s+and\s+without|\+\s*\/\s*-|pre[\s_-]*(and|&|\/|\+)[\s_-]*post|vor[\s_-]*(und|&|\/|\+)[\s_-]*nach/i;
/** a description that itself says no contrast was given, which no protocol name overrules */
const SAYS_NO_CONTRAST = new RegExp(NO_CONTRAST, 'i');
