/**
 * Lossy compression history (PS3.3 C.7.6.1.1.5): once an image was lossy compressed, every
 * image derived from it says so. One history for several images: lossy when any of them
 * was, with all their methods.
 */
export interface LossyHistory {
  /** LossyImageCompressionMethod terms, each once (empty when no image named one) */
  readonly methods: readonly string[];
}

/** The history of images derived from all of these: null when none was lossy compressed. */
export function mergeLossyHistories(histories: readonly (LossyHistory | null)[]): LossyHistory | null {
  const lossy = histories.filter((h): h is LossyHistory => h !== null);
  return lossy.length === 0 ? null : { methods: [...new Set(lossy.flatMap((h) => h.methods))] };
}
