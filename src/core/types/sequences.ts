/** The four MRI sequences a case needs, in the model's channel order. */
export const SEQUENCES = ['t1', 't1ce', 't2', 'flair'] as const;
export type Sequence = (typeof SEQUENCES)[number];

export const SEQUENCE_NAMES: Record<Sequence, string> = {
  t1: 'T1',
  t1ce: 'T1Gd (T1 with contrast)',
  t2: 'T2',
  flair: 'FLAIR',
};
