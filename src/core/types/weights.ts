/**
 * Model weights as plain named arrays: the platform-free form that aggregation,
 * codecs, the wire format and storage use. (tfjs tensors stay inside the model.)
 */
export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** An ordered list of named float32 arrays: a model's weights or an update (delta). */
export type WeightSet = readonly NamedArray[];

export function weightCount(w: WeightSet): number {
  let n = 0;
  for (const t of w) n += t.values.length;
  return n;
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
