/**
 * Lossy compression history (PS3.3 C.7.6.1.1.5): once an image was lossy compressed, every
 * image derived from it says so, with each method (LossyImageCompressionMethod) and the
 * approximate ratio of uncompressed to compressed size it reached
 * (LossyImageCompressionRatio, one value per method). One history for several images:
 * lossy when any of them was, with all their methods; a method's ratio is the mean of
 * those the images give for it.
 */
export interface LossyStep {
  /** a LossyImageCompressionMethod term (ISO_10918_1, ISO_15444_1, ...) */
  readonly method: string;
  /** uncompressed size over compressed size; undefined when neither the file said it nor its pixels show it */
  readonly ratio: number | undefined;
}

export interface LossyHistory {
  /** each method once (empty when no image named one) */
  readonly steps: readonly LossyStep[];
}

/** The history of images derived from all of these: null when none was lossy compressed. */
export function mergeLossyHistories(histories: readonly (LossyHistory | null)[]): LossyHistory | null {
  const lossy = histories.filter((h): h is LossyHistory => h !== null);
  if (lossy.length === 0) return null;
  const ratios = new Map<string, number[]>();
  for (const step of lossy.flatMap((h) => h.steps)) {
    const known = ratios.get(step.method) ?? [];
    if (step.ratio !== undefined) known.push(step.ratio);
    ratios.set(step.method, known);
  }
  return {
    steps: [...ratios].map(([method, known]) => ({ method, ratio: known.length ? known.reduce((a, b) => a + b, 0) / known.length : undefined })),
  };
}

/**
 * The history as the attributes of a derived image: LossyImageCompressionMethod, and
 * LossyImageCompressionRatio when every method has a ratio (the two pair value by value).
 * Ratios are DS: at most 16 characters.
 */
export function lossyAttributes(history: LossyHistory): { LossyImageCompressionMethod?: string[]; LossyImageCompressionRatio?: string[] } {
  const { steps } = history;
  if (steps.length === 0) return {};
  const ratios = steps.map((s) => s.ratio);
  return {
    LossyImageCompressionMethod: steps.map((s) => s.method),
    ...(ratios.every((r): r is number => r !== undefined && Number.isFinite(r) && r > 0) ? { LossyImageCompressionRatio: ratios.map((r) => String(+r.toPrecision(6))) } : {}),
  };
}
