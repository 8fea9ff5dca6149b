/**
 * Random 3D-convolution problems and a comparison of one backend's kernels against
 * another's, shared by the kernel tests (WebGPU vs cpu, fast cpu vs stock cpu).
 * Inputs are built from plain arrays on each backend separately and read back with
 * `await t.data()`, so no tensor moves between backends.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { Rng } from '../../core/util/rng.ts';

export interface Conv3DCase {
  readonly batch: number;
  readonly inShape: readonly [number, number, number];
  readonly inC: number;
  readonly outC: number;
  readonly k: readonly [number, number, number];
  readonly stride: 1 | 2;
  readonly pad: 'same' | 'valid';
}

export const CONV3D_KERNEL_NAMES = ['Conv3D', 'Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2'] as const;
export type Conv3DKernelName = (typeof CONV3D_KERNEL_NAMES)[number];

/** Output spatial size tfjs computes for one dimension. */
export function outSize(n: number, k: number, s: number, pad: 'same' | 'valid'): number {
  return pad === 'same' ? Math.ceil(n / s) : Math.ceil((n - k + 1) / s);
}

export function outShapeOf(c: Conv3DCase): [number, number, number, number, number] {
  const [d, h, w] = c.inShape;
  return [c.batch, outSize(d, c.k[0], c.stride, c.pad), outSize(h, c.k[1], c.stride, c.pad), outSize(w, c.k[2], c.stride, c.pad), c.outC];
}

/** A random problem: odd and even sizes up to `maxEdge`, kernels 1 or 3, strides 1 or 2, both paddings. */
export function randomConv3DCase(rng: Rng, maxEdge: number, maxChannels: number): Conv3DCase {
  const kEdge = rng.next() < 0.25 ? 1 : 3;
  const pad = rng.next() < 0.5 ? 'same' : 'valid';
  const min = pad === 'valid' ? kEdge : 1;
  const edge = (): number => rng.int(min, maxEdge + 1);
  const ch = (): number => (rng.next() < 0.2 ? 1 : rng.int(1, maxChannels + 1));
  return {
    batch: rng.next() < 0.2 ? 2 : 1,
    inShape: [edge(), edge(), edge()],
    inC: ch(),
    outC: ch(),
    k: [kEdge, kEdge, kEdge],
    stride: rng.next() < 0.5 ? 1 : 2,
    pad,
  };
}

export function describeCase(c: Conv3DCase): string {
  return `batch ${c.batch} in ${c.inShape.join('x')}x${c.inC} -> ${c.outC}, kernel ${c.k.join('x')}, stride ${c.stride}, ${c.pad}`;
}

function randomArray(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

export interface Conv3DOperands {
  readonly x: Float32Array;
  readonly filter: Float32Array;
  readonly dy: Float32Array;
}

export function randomOperands(rng: Rng, c: Conv3DCase): Conv3DOperands {
  const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
  return {
    x: randomArray(rng, c.batch * size(c.inShape) * c.inC),
    filter: randomArray(rng, size(c.k) * c.inC * c.outC),
    dy: randomArray(rng, size(outShapeOf(c))),
  };
}

/** Runs one of the three kernels on the current backend and reads the result back. */
export async function runConv3DKernel(tf: typeof tfc, name: Conv3DKernelName, c: Conv3DCase, ops: Conv3DOperands): Promise<Float32Array> {
  const xShape = [c.batch, ...c.inShape, c.inC] as [number, number, number, number, number];
  const fShape = [...c.k, c.inC, c.outC] as [number, number, number, number, number];
  const strides: [number, number, number] = [c.stride, c.stride, c.stride];
  const held: tfc.Tensor[] = [];
  const t = (v: Float32Array, s: number[]): tfc.Tensor => {
    const r = tf.tensor(v, s, 'float32');
    held.push(r);
    return r;
  };
  try {
    let out: tfc.Tensor;
    if (name === 'Conv3D') {
      out = tf.engine().runKernel(name, { x: t(ops.x, xShape), filter: t(ops.filter, fShape) }, { strides, pad: c.pad, dilations: [1, 1, 1], dataFormat: 'NDHWC' }) as tfc.Tensor;
    } else if (name === 'Conv3DBackpropInputV2') {
      out = tf.engine().runKernel(name, { dy: t(ops.dy, outShapeOf(c)), filter: t(ops.filter, fShape) }, { strides, pad: c.pad, inputShape: xShape }) as tfc.Tensor;
    } else {
      out = tf.engine().runKernel(name, { x: t(ops.x, xShape), dy: t(ops.dy, outShapeOf(c)) }, { strides, pad: c.pad, filterShape: fShape }) as tfc.Tensor;
    }
    held.push(out);
    return (await out.data()) as Float32Array;
  } finally {
    for (const h of held) h.dispose();
  }
}

/** Largest |a - b| relative to the largest |b| (the reference); 0 for two zero arrays. */
export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    if (!(d <= maxDiff)) maxDiff = d; // also catches NaN
    maxRef = Math.max(maxRef, Math.abs(b[i] as number));
  }
  return maxRef === 0 ? maxDiff : maxDiff / maxRef;
}

/** Edge cases every Conv3D implementation is checked on: 1 and 64 channels, kernel 1, stride 2 on odd sizes, batch 2. */
export const CONV3D_EDGE_CASES: readonly Conv3DCase[] = [
  { batch: 1, inShape: [5, 7, 6], inC: 1, outC: 1, k: [3, 3, 3], stride: 1, pad: 'same' },
  { batch: 1, inShape: [7, 5, 9], inC: 3, outC: 64, k: [3, 3, 3], stride: 2, pad: 'same' },
  { batch: 1, inShape: [6, 6, 6], inC: 64, outC: 5, k: [1, 1, 1], stride: 1, pad: 'valid' },
  { batch: 2, inShape: [9, 7, 5], inC: 17, outC: 33, k: [3, 3, 3], stride: 2, pad: 'valid' },
  { batch: 1, inShape: [12, 12, 12], inC: 16, outC: 16, k: [3, 3, 3], stride: 1, pad: 'same' },
];

async function useBackend(tf: typeof tfc, name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend("${name}") resolved false: the backend could not be initialised`);
}

export interface Conv3DKernelComparison {
  readonly kernel: Conv3DKernelName;
  /** `relativeError(backend's result, reference's result)` */
  readonly relativeError: number;
}

/**
 * Runs the three kernels of one problem on `backend` and on `reference`, with fresh
 * random operands from `rng` for each kernel, and returns each kernel's relative
 * error. Both backends must be registered; `backend` is the current one afterwards.
 */
export async function compareConv3DKernels(
  tf: typeof tfc, c: Conv3DCase, rng: Rng, backend: string, reference = 'cpu',
): Promise<Conv3DKernelComparison[]> {
  const rows: Conv3DKernelComparison[] = [];
  for (const kernel of CONV3D_KERNEL_NAMES) {
    const ops = randomOperands(rng, c);
    await useBackend(tf, reference);
    const want = await runConv3DKernel(tf, kernel, c, ops);
    await useBackend(tf, backend);
    const got = await runConv3DKernel(tf, kernel, c, ops);
    rows.push({ kernel, relativeError: relativeError(got, want) });
  }
  return rows;
}
