/**
 * The model file of `fedseg train-local` (and anything that saves a UNet3D): a JSON
 * manifest naming the preset and every weight (name, shape, offset), plus one binary of
 * float32 little-endian values in manifest order, like tfjs's model.json + weights.bin.
 */
import type { WeightSet } from '../types/weights.ts';
import { shapeSize } from '../types/weights.ts';
import { FedsegError } from '../util/errors.ts';
import type { ModelPreset } from './modelPresets.ts';

export interface ModelManifest {
  readonly format: 'fedseg-model';
  readonly version: 1;
  readonly preset: ModelPreset;
  /** the binary's file name, relative to the manifest */
  readonly weightsFile: string;
  readonly byteLength: number;
  readonly weights: readonly { name: string; shape: number[]; offset: number /* in floats */ }[];
  /** free-form provenance (steps, seed, backend, final loss...) */
  readonly meta?: Readonly<Record<string, unknown>>;
}

export function encodeModel(
  preset: ModelPreset,
  weights: WeightSet,
  weightsFile: string,
  meta?: Record<string, unknown>,
): { manifest: ModelManifest; bin: Uint8Array } {
  let total = 0;
  const entries = weights.map((w) => {
    const e = { name: w.name, shape: [...w.shape], offset: total };
    total += w.values.length;
    return e;
  });
  const floats = new Float32Array(total);
  weights.forEach((w, i) => floats.set(w.values, entries[i]?.offset));
  const bin = new Uint8Array(floats.buffer);
  const manifest: ModelManifest = {
    format: 'fedseg-model', version: 1, preset, weightsFile, byteLength: bin.byteLength, weights: entries,
    ...(meta ? { meta } : {}),
  };
  return { manifest, bin };
}

/** Reads a manifest and its binary back; MODEL_FILE says what is wrong and in which file. */
export function decodeModel(manifest: unknown, bin: Uint8Array, source: string): { preset: ModelPreset; weights: WeightSet } {
  const m = manifest as Partial<ModelManifest> | null;
  if (!m || m.format !== 'fedseg-model' || m.version !== 1 || !Array.isArray(m.weights) || !m.preset) {
    throw new FedsegError('MODEL_FILE', `${source}: expected a fedseg-model version 1 manifest; found ${JSON.stringify(m)?.slice(0, 80)}`);
  }
  if (bin.byteLength !== m.byteLength || bin.byteLength % 4 !== 0) {
    throw new FedsegError('MODEL_FILE', `${source}: expected ${m.byteLength} bytes of weights; found ${bin.byteLength}`);
  }
  const floats = new Float32Array(bin.slice().buffer);
  const weights = m.weights.map((e) => {
    const n = shapeSize(e.shape);
    if (e.offset + n > floats.length) {
      throw new FedsegError('MODEL_FILE', `${source}: weight ${e.name} [${e.shape.join(', ')}] runs past the end of the weights`);
    }
    return { name: e.name, shape: [...e.shape], values: floats.slice(e.offset, e.offset + n) };
  });
  return { preset: m.preset, weights };
}
