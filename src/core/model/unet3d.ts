/**
 * A 3D U-Net written with tf ops over named tf.Variables (not tf.layers), so that its
 * weights are a stable, ordered list of named arrays (WeightSet) for federation.
 *
 * Encoder: per level a block of two 3x3x3 convolutions (residual for `fets`), each
 * followed by normalisation and LeakyReLU; down-sampling by a strided 3x3x3 convolution.
 * Decoder: 1x1x1 projection, nearest x2 up-sampling, concatenation with the skip, block.
 * Head: 1x1x1 convolution to 3 logits (ET, TC, WT).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WeightSet } from '../types/weights.ts';
import { shapeSize } from '../types/weights.ts';
import { FedsegError } from '../util/errors.ts';
import { Rng } from '../util/rng.ts';
import { INPUT_CHANNELS, type ModelPreset } from './modelPresets.ts';
import { unetPlan, unetTrainingFlops, weightSpecOf, type UNetPlan } from './unetSpec.ts';
import { upsampleNearest } from './upsampleNearest.ts';

const LEAK = 0.01;
const NORM_EPS = 1e-5;

export class UNet3D {
  readonly preset: ModelPreset;
  private readonly plan: UNetPlan;
  private readonly vars: tf.Variable[];
  private readonly byName: Map<string, tf.Variable>;

  private constructor(preset: ModelPreset, plan: UNetPlan, vars: tf.Variable[]) {
    this.preset = preset;
    this.plan = plan;
    this.vars = vars;
    this.byName = new Map(plan.params.map((p, i) => [p.name, vars[i] as tf.Variable]));
  }

  /** A freshly initialised model (He-normal kernels from a seeded generator). */
  static create(preset: ModelPreset, seed: number): UNet3D {
    const plan = unetPlan(preset);
    const rng = new Rng(seed);
    const vars = plan.params.map((p) => {
      const values = new Float32Array(shapeSize(p.shape));
      if (p.init === 'ones') values.fill(1);
      else if (p.init === 'he') {
        const std = Math.sqrt(2 / p.fanIn);
        for (let i = 0; i < values.length; i++) values[i] = rng.normal() * std;
      }
      return tf.tidy(() => tf.variable(tf.tensor(values, [...p.shape], 'float32'), true));
    });
    return new UNet3D(preset, plan, vars);
  }

  /** The smallest edge an input must be a multiple of (one halving per level). */
  get inputMultiple(): number {
    return 2 ** (this.preset.levels - 1);
  }

  /** [b, d, h, w, 4] -> logits [b, d, h, w, 3] (ET, TC, WT); d, h, w multiples of inputMultiple. */
  apply(x: tf.Tensor5D, training: boolean): tf.Tensor5D {
    void training; // normalisation uses the current statistics in both modes; no dropout
    const [, d, h, w, c] = x.shape;
    const m = this.inputMultiple;
    if (c !== INPUT_CHANNELS || d % m !== 0 || h % m !== 0 || w % m !== 0) {
      throw new FedsegError(
        'INPUT_SHAPE',
        `${this.preset.name} model expects input [b, d, h, w, ${INPUT_CHANNELS}] with d, h, w multiples of ${m}; found [${x.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      const levels = this.preset.levels;
      const skips: tf.Tensor5D[] = [];
      let t = this.block('enc0', x);
      skips.push(t);
      for (let l = 1; l < levels; l++) {
        t = this.act(this.norm(`enc${l}.downnorm`, this.conv(`enc${l}.down`, t, 2)));
        t = this.block(`enc${l}`, t);
        skips.push(t);
      }
      for (let l = levels - 2; l >= 0; l--) {
        const up = upsampleNearest(this.act(this.norm(`dec${l}.upnorm`, this.conv(`dec${l}.up`, t, 1))));
        t = this.block(`dec${l}`, up, skips[l]);
      }
      // bias added on a 2D view: WebGPU's broadcasting binary ops fail at rank 5
      const logits = this.conv('head', t, 1);
      const [b, d, h, w, c] = logits.shape;
      return tf.reshape(tf.add(tf.reshape(logits, [b * d * h * w, c]), this.v('head.bias')), [b, d, h, w, c]);
    });
  }

  trainableVariables(): tf.Variable[] {
    return [...this.vars];
  }

  weightSpec(): { name: string; shape: number[] }[] {
    return weightSpecOf(this.plan);
  }

  /** A copy of the current weights, read with `await data()`. */
  async getWeights(): Promise<WeightSet> {
    const out = [];
    for (let i = 0; i < this.vars.length; i++) {
      const p = this.plan.params[i];
      const v = this.vars[i];
      if (!p || !v) continue;
      const values = new Float32Array((await v.data()) as Float32Array);
      out.push({ name: p.name, shape: [...p.shape], values });
    }
    return out;
  }

  /** Replaces every weight; WEIGHTS_MISMATCH names the first tensor whose name or shape differs. */
  setWeights(w: WeightSet): void {
    const spec = this.plan.params;
    if (w.length !== spec.length) {
      throw new FedsegError(
        'WEIGHTS_MISMATCH',
        `${this.preset.name} model has ${spec.length} weight tensors; found ${w.length}`,
      );
    }
    spec.forEach((p, i) => {
      const t = w[i];
      if (!t) return;
      const sameShape = t.shape.length === p.shape.length && t.shape.every((d, k) => d === p.shape[k]);
      if (t.name !== p.name || !sameShape || t.values.length !== shapeSize(p.shape)) {
        throw new FedsegError(
          'WEIGHTS_MISMATCH',
          `weight ${i} of the ${this.preset.name} model: expected ${p.name} [${p.shape.join(', ')}], ` +
            `found ${t.name} [${t.shape.join(', ')}] with ${t.values.length} values`,
        );
      }
    });
    spec.forEach((p, i) => {
      const t = w[i] as WeightSet[number];
      tf.tidy(() => (this.vars[i] as tf.Variable).assign(tf.tensor(t.values.slice(), [...p.shape], 'float32')));
    });
  }

  /** FLOPs of one training step (forward + backward) on `batch` patches of the preset's size. */
  flopsPerStep(batch: number): number {
    return unetTrainingFlops(this.plan, this.preset.patchSize, batch);
  }

  dispose(): void {
    for (const v of this.vars) v.dispose();
  }

  private v(name: string): tf.Variable {
    const v = this.byName.get(name);
    if (!v) throw new FedsegError('MODEL_INTERNAL', `no weight named ${name} in the ${this.preset.name} model`);
    return v;
  }

  private conv(name: string, x: tf.Tensor5D, stride: 1 | 2): tf.Tensor5D {
    return tf.conv3d(x, this.v(`${name}.kernel`) as tf.Tensor5D, stride, 'same');
  }

  private norm(name: string, x: tf.Tensor5D): tf.Tensor5D {
    const [b, d, h, w, c] = x.shape;
    const flat = tf.reshape(x, [b, d * h * w, c]);
    const axes = this.preset.norm === 'instance' ? [1] : [0, 1];
    const { mean, variance } = tf.moments(flat, axes, true);
    // (x - mean) / sd * gamma + beta, as x * scale + shift: two broadcasts over the volume, not four
    const scale = tf.mul(tf.rsqrt(tf.add(variance, NORM_EPS)), this.v(`${name}.gamma`));
    const shift = tf.sub(this.v(`${name}.beta`), tf.mul(mean, scale));
    const out = tf.add(tf.mul(flat, scale), shift);
    return tf.reshape(out, [b, d, h, w, c]);
  }

  /** LeakyReLU on a 2D view: its gradient uses `where`, which WebGPU lacks at rank 5 */
  private act(x: tf.Tensor5D): tf.Tensor5D {
    const [b, d, h, w, c] = x.shape;
    return tf.reshape(tf.leakyRelu(tf.reshape(x, [b * d * h * w, c]), LEAK), [b, d, h, w, c]);
  }

  /**
   * Two 3x3x3 convolutions (residual if the preset says so). With `skip`, the block's
   * input is the channel concatenation [x, skip], computed without concatenating the
   * volumes: conv([x, skip], W) = conv(x, W[.., :cx, :]) + conv(skip, W[.., cx:, :]).
   * (The gradient of a channel concat, SplitV, is slow on the CPU backend.)
   */
  private block(name: string, x: tf.Tensor5D, skip?: tf.Tensor5D): tf.Tensor5D {
    if (skip) return this.concatBlock(name, x, skip);
    const h = this.act(this.norm(`${name}.norm1`, this.conv(`${name}.conv1`, x, 1)));
    const h2 = this.norm(`${name}.norm2`, this.conv(`${name}.conv2`, h, 1));
    if (!this.preset.residual) return this.act(h2);
    const shortcut = this.byName.has(`${name}.skip.kernel`) ? this.conv(`${name}.skip`, x, 1) : x;
    return this.act(tf.add(h2, shortcut));
  }

  private concatBlock(name: string, x: tf.Tensor5D, skip: tf.Tensor5D): tf.Tensor5D {
    const cx = x.shape[4];
    const split = (kernel: string, x: tf.Tensor5D, y: tf.Tensor5D): tf.Tensor5D => {
      const w = this.v(kernel) as tf.Tensor5D;
      const [k, , , cin, cout] = w.shape;
      // sliced on a 2D view [k^3, cin * cout]: the gradient of a slice is a pad, which
      // WebGPU cannot compile at rank 5
      const flat = tf.reshape(w, [k * k * k, cin * cout]);
      const wx: tf.Tensor5D = tf.reshape(tf.slice(flat, [0, 0], [k * k * k, cx * cout]), [k, k, k, cx, cout]);
      const wy: tf.Tensor5D = tf.reshape(tf.slice(flat, [0, cx * cout], [k * k * k, (cin - cx) * cout]), [k, k, k, cin - cx, cout]);
      return tf.add(tf.conv3d(x, wx, 1, 'same'), tf.conv3d(y, wy, 1, 'same'));
    };
    const h = this.act(this.norm(`${name}.norm1`, split(`${name}.conv1.kernel`, x, skip)));
    const h2 = this.norm(`${name}.norm2`, this.conv(`${name}.conv2`, h, 1));
    if (!this.preset.residual) return this.act(h2);
    return this.act(tf.add(h2, split(`${name}.skip.kernel`, x, skip)));
  }
}
