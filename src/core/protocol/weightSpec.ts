/**
 * The expected layout of a model's weights (UNet3D.weightSpec()): names and shapes in a
 * stable order. Every decoded model or update is checked against it before use.
 */
import type { WeightSet } from '../types/weights.ts';
import { shapeSize } from '../types/weights.ts';
import { FedsegError } from '../util/errors.ts';

export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
}
export type WeightSpec = readonly TensorSpec[];

/** 'UPDATE' for uploads (UPDATE_SHAPE...), 'MODEL' for global models (MODEL_SHAPE...). */
export type BlobKind = 'UPDATE' | 'MODEL';

/** The spec of a weight set (names and shapes, same order). */
export function specOf(w: WeightSet): WeightSpec {
  return w.map((t) => ({ name: t.name, shape: [...t.shape] }));
}

export function specSize(spec: WeightSpec): number {
  let n = 0;
  for (const t of spec) n += shapeSize(t.shape);
  return n;
}

const shapeText = (s: readonly number[]) => '[' + s.join(',') + ']';

/**
 * Names, order and shapes equal to the spec: else FedsegError `${kind}_SHAPE` naming the
 * first tensor that differs, with the expected and found shape.
 */
export function checkSpec(found: WeightSpec, expected: WeightSpec, kind: BlobKind = 'UPDATE', source = 'weights'): void {
  if (found.length !== expected.length) {
    throw new FedsegError(`${kind}_SHAPE`, `${source}: expected ${expected.length} tensors, found ${found.length}`);
  }
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const f = found[i]!;
    if (f.name !== e.name) {
      throw new FedsegError(`${kind}_SHAPE`, `${source}: tensor ${i}: expected "${e.name}", found "${f.name}"`);
    }
    if (f.shape.length !== e.shape.length || f.shape.some((d, k) => d !== e.shape[k])) {
      throw new FedsegError(
        `${kind}_SHAPE`,
        `${source}: tensor "${e.name}": expected shape ${shapeText(e.shape)}, found ${shapeText(f.shape)}`,
      );
    }
  }
}

/** Shapes match the spec and each values array has the shape's size and only finite values. */
export function checkWeights(w: WeightSet, expected: WeightSpec, kind: BlobKind = 'UPDATE', source = 'weights'): void {
  checkSpec(specOf(w), expected, kind, source);
  for (const t of w) {
    const n = shapeSize(t.shape);
    if (t.values.length !== n) {
      throw new FedsegError(`${kind}_SHAPE`, `${source}: tensor "${t.name}": expected ${n} values, found ${t.values.length}`);
    }
    checkFinite(t.name, t.values, kind, source);
  }
}

export function checkFinite(name: string, values: Float32Array, kind: BlobKind = 'UPDATE', source = 'weights'): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      throw new FedsegError(`${kind}_NONFINITE`, `${source}: tensor "${name}": expected finite values, found ${String(v)} at index ${i}`);
    }
  }
}

/**
 * The site's own model, base + update, is finite in float32: an update of finite values can
 * still be so large that the model it came from cannot exist (3.4e38 on top of a weight of
 * 1e38). A weighted mean of finite local models is finite, so the coordinator's FedAvg
 * never overflows once every update passes this; without it one site could make every
 * later aggregation fail as MODEL_NONFINITE. Same spec assumed (checkWeights first).
 */
export function checkLocalModelFinite(base: WeightSet, update: WeightSet, source = 'update'): void {
  update.forEach((t, k) => {
    const b = base[k]!.values;
    const u = t.values;
    for (let i = 0; i < u.length; i++) {
      if (!Number.isFinite(Math.fround(b[i]! + u[i]!))) {
        throw new FedsegError('UPDATE_NONFINITE', `${source}: tensor "${t.name}": expected an update whose model (global + update) is finite in float32, found ${u[i]} on top of ${b[i]} at index ${i}`);
      }
    }
  });
}
