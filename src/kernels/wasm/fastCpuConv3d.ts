/**
 * Fast Conv3D, Conv3DBackpropInputV2 and Conv3DBackpropFilterV2 for tfjs's cpu and
 * wasm backends (Node, and the page's Worker): im2col in JavaScript, matrix products in XNNPACK (WebAssembly
 * SIMD, see wasmGemm.ts), in chunks of output rows so the patch matrix
 * stays small.
 *
 *   forward:        out[M x outC]  = patches[M x K] * filter[K x outC]
 *   input gradient: dpatches[M x K] = dy[M x outC] * filter^T[outC x K], then col2im
 *   filter gradient: dfilter[K x outC] = patches^T[K x M] * dy[M x outC]
 *
 * with M output voxels and K = taps x inC. `registerFastCpuKernels(tf, { enabled })`
 * installs them behind the same switch as the WebGPU kernels.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { registerFastKernels, type FastKernelFactory } from '../registerFastKernels.ts';
import { WasmGemm, type HeapBuffer } from './wasmGemm.ts';
import { col2imAdd, im2col, im2colInHeap, outputVoxels, patchColumns } from './im2col.ts';
import { type ConvGeometry, convGeometry } from '../convGeometry.ts';
import { lookup } from '../../core/util/errors.ts';

/** Floats of patch matrix per chunk (16 MB). */
const CHUNK_FLOATS = 1 << 22;
/**
 * Output rows per chunk of the filter gradient: its patch matrix is written
 * transposed, one row of the chunk per column, and a short chunk keeps those strided
 * writes within a few cache lines (chunks of 8,192 rows, 32 KB strides, were 2-4x slower).
 */
const FILTER_CHUNK_ROWS = 512;

/** Where the fast kernels read their operands and leave their result, per backend. */
interface TensorIo {
  /** the float32 values of `t` (for wasm a view of the backend's heap: read it before `make`) */
  read(backend: unknown, t: TensorInfo): Float32Array;
  make(backend: unknown, shape: number[], values: Float32Array): TensorInfo;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

interface WasmBackendLike {
  typedArrayFromHeap(t: TensorInfo): unknown;
  makeOutput(shape: number[], dtype: 'float32', memoryOffset: undefined, values: Float32Array): TensorInfo;
}

function float32(v: unknown, t: TensorInfo): Float32Array {
  if (!(v instanceof Float32Array)) throw new Error(`fast conv3d expects float32 data, found ${t.dtype}`);
  return v;
}

/**
 * The backends the fast kernels serve: tfjs's pure-JS cpu backend, and the wasm backend
 * (whose own Conv3D is slow and whose Conv3D gradients are wrong in tfjs 4.22).
 */
export const FAST_CONV_BACKENDS: Readonly<Record<'cpu' | 'wasm', TensorIo>> = {
  cpu: {
    read: (b, t) => float32((b as CpuBackendLike).data.get(t.dataId).values, t),
    make: (b, shape, values) => (b as CpuBackendLike).makeTensorInfo(shape, 'float32', values),
  },
  wasm: {
    read: (b, t) => float32((b as WasmBackendLike).typedArrayFromHeap(t), t),
    // copies `values` onto the backend's heap
    make: (b, shape, values) => (b as WasmBackendLike).makeOutput(shape, 'float32', undefined, values),
  },
};
export type FastConvBackend = keyof typeof FAST_CONV_BACKENDS;

type Shape5 = [number, number, number, number, number];

function geometry(tf: typeof tfc, xShape: number[], fShape: number[], strides: number | [number, number, number], pad: unknown): ConvGeometry {
  return convGeometry(tf.backend_util.computeConv3DInfo(xShape as Shape5, fShape as Shape5, strides, 1, pad as 'same' | 'valid'));
}

/** Runs `body` with heap buffers that are freed afterwards, whatever happens. */
function withBuffers<T>(gemm: WasmGemm, sizes: number[], body: (bufs: HeapBuffer[]) => T): T {
  const bufs: HeapBuffer[] = [];
  try {
    for (const s of sizes) bufs.push(gemm.alloc(s));
    return body(bufs);
  } finally {
    for (const b of bufs) gemm.free(b);
  }
}

function chunkRows(m: number, k: number): number {
  return Math.max(1, Math.min(m, Math.floor(CHUNK_FLOATS / Math.max(1, k))));
}

export function conv3dForward(gemm: WasmGemm, g: ConvGeometry, x: Float32Array, filter: Float32Array): Float32Array {
  const M = outputVoxels(g);
  const K = patchColumns(g);
  const N = g.outC;
  const rowsPer = chunkRows(M, K);
  return withBuffers(gemm, [x.length, M * N, K * N, rowsPer * K], ([xBuf, out, w, cols]) => {
    gemm.heap().set(x, gemm.index(xBuf!));
    gemm.heap().set(filter, gemm.index(w!));
    const wId = gemm.view(w!, 0, K * N);
    try {
      for (let r0 = 0; r0 < M; r0 += rowsPer) {
        const rows = Math.min(rowsPer, M - r0);
        im2colInHeap(gemm.heap(), gemm.index(xBuf!), g, r0, r0 + rows, gemm.index(cols!));
        const aId = gemm.view(cols!, 0, rows * K);
        const oId = gemm.view(out!, r0 * N, rows * N);
        gemm.matmul(aId, wId, oId, rows, K, N);
        gemm.release(aId);
        gemm.release(oId);
      }
    } finally {
      gemm.release(wId);
    }
    const o = gemm.index(out!);
    return gemm.heap().slice(o, o + M * N);
  });
}

/**
 * The input gradient. With stride 1 it is itself a forward convolution: of dy, by the
 * filter flipped in space with its channel axes swapped, padded by f - 1 - p in front
 * (for 'valid', a full convolution). Otherwise dpatches = dy * filter^T, scattered
 * back onto the input (col2im).
 */
export function conv3dBackpropInput(gemm: WasmGemm, g: ConvGeometry, dy: Float32Array, filter: Float32Array): Float32Array {
  if (g.sD === 1 && g.sH === 1 && g.sW === 1) return backpropInputAsConv(gemm, g, dy, filter);
  return backpropInputCol2im(gemm, g, dy, filter);
}

function backpropInputAsConv(gemm: WasmGemm, g: ConvGeometry, dy: Float32Array, filter: Float32Array): Float32Array {
  const { fD, fH, fW, inC, outC } = g;
  const flipped = new Float32Array(filter.length);
  for (let kd = 0; kd < fD; kd++) for (let kh = 0; kh < fH; kh++) for (let kw = 0; kw < fW; kw++) {
    const src = ((kd * fH + kh) * fW + kw) * inC * outC;
    const dst = (((fD - 1 - kd) * fH + (fH - 1 - kh)) * fW + (fW - 1 - kw)) * outC * inC;
    for (let ci = 0; ci < inC; ci++) for (let co = 0; co < outC; co++) flipped[dst + co * inC + ci] = filter[src + ci * outC + co] as number;
  }
  const t: ConvGeometry = {
    batch: g.batch,
    inD: g.outD, inH: g.outH, inW: g.outW, inC: outC,
    outD: g.inD, outH: g.inH, outW: g.inW, outC: inC,
    fD, fH, fW, sD: 1, sH: 1, sW: 1,
    pD: fD - 1 - g.pD, pH: fH - 1 - g.pH, pW: fW - 1 - g.pW,
  };
  return conv3dForward(gemm, t, dy, flipped);
}

function backpropInputCol2im(gemm: WasmGemm, g: ConvGeometry, dy: Float32Array, filter: Float32Array): Float32Array {
  const M = outputVoxels(g);
  const K = patchColumns(g);
  const N = g.outC;
  const rowsPer = chunkRows(M, K);
  const dx = new Float32Array(g.batch * g.inD * g.inH * g.inW * g.inC);
  withBuffers(gemm, [M * N, N * K, rowsPer * K], ([dyBuf, wT, dcols]) => {
    const heap = gemm.heap();
    heap.set(dy, gemm.index(dyBuf!));
    const t0 = gemm.index(wT!);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) heap[t0 + n * K + k] = filter[k * N + n] as number;
    const wTId = gemm.view(wT!, 0, N * K);
    try {
      for (let r0 = 0; r0 < M; r0 += rowsPer) {
        const rows = Math.min(rowsPer, M - r0);
        const aId = gemm.view(dyBuf!, r0 * N, rows * N);
        const oId = gemm.view(dcols!, 0, rows * K);
        gemm.matmul(aId, wTId, oId, rows, N, K);
        gemm.release(aId);
        gemm.release(oId);
        col2imAdd(gemm.heap(), gemm.index(dcols!), g, r0, r0 + rows, dx);
      }
    } finally {
      gemm.release(wTId);
    }
  });
  return dx;
}

/**
 * dfilter[K x outC] = patches^T[K x M] * dy[M x outC], chunk by chunk: the transposed
 * patch rows are the left operand, dy's chunk (read in place on the heap) is packed by
 * XNNPACK as its weight matrix, and the partial products are summed in JavaScript.
 */
export function conv3dBackpropFilter(gemm: WasmGemm, g: ConvGeometry, x: Float32Array, dy: Float32Array, chunk = FILTER_CHUNK_ROWS): Float32Array {
  const M = outputVoxels(g);
  const K = patchColumns(g);
  const N = g.outC;
  const rowsPer = Math.min(chunk, chunkRows(M, K));
  const dw = new Float32Array(K * N);
  withBuffers(gemm, [M * N, rowsPer * K, K * N], ([dyBuf, colsT, part]) => {
    gemm.heap().set(dy, gemm.index(dyBuf!));
    for (let r0 = 0; r0 < M; r0 += rowsPer) {
      const rows = Math.min(rowsPer, M - r0);
      im2col(x, g, r0, r0 + rows, gemm.heap(), gemm.index(colsT!), 1, rows);
      const aId = gemm.view(colsT!, 0, K * rows);
      const bId = gemm.view(dyBuf!, r0 * N, rows * N);
      const oId = gemm.view(part!, 0, K * N);
      gemm.matmul(aId, bId, oId, K, rows, N);
      gemm.release(aId);
      gemm.release(bId);
      gemm.release(oId);
      const heap = gemm.heap();
      const p = gemm.index(part!);
      for (let i = 0; i < K * N; i++) dw[i] = (dw[i] as number) + (heap[p + i] as number);
    }
  });
  return dw;
}

function isUnit(d: unknown): boolean {
  return d === undefined || d === 1 || (Array.isArray(d) && d.every((v) => v === 1));
}

function fallback(stock: KernelConfig | undefined, name: string, args: unknown): TensorInfo {
  if (!stock) throw new Error(`${name}: the fast cpu kernel covers float32 NDHWC with dilation 1 only, and no stock kernel is registered`);
  return (stock.kernelFunc as KernelFunc)(args as Parameters<KernelFunc>[0]) as TensorInfo;
}

/** The three kernel factories for `backendName` (cpu or wasm), computing through `gemm`. */
export function fastCpuConv3dFactories(tf: typeof tfc, gemm: WasmGemm, backendName: FastConvBackend = 'cpu'): FastKernelFactory[] {
  type Args = { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> };
  const io = lookup(FAST_CONV_BACKENDS, backendName, 'fast conv3d backend');
  const values = (a: Args, t: TensorInfo): Float32Array => io.read(a.backend, t);
  const strides = (a: Args): number | [number, number, number] => a.attrs.strides as number | [number, number, number];
  const forward: FastKernelFactory = (stock) => ({
    kernelName: tf.Conv3D, backendName,
    kernelFunc: ((a: Args) => {
      const { x, filter } = a.inputs as { x: TensorInfo; filter: TensorInfo };
      if (x.dtype !== 'float32' || !isUnit(a.attrs.dilations) || (a.attrs.dataFormat ?? 'NDHWC') !== 'NDHWC') {
        return fallback(stock, tf.Conv3D, a);
      }
      const g = geometry(tf, x.shape, filter.shape, strides(a), a.attrs.pad);
      const out = conv3dForward(gemm, g, values(a, x), values(a, filter));
      return io.make(a.backend, [g.batch, g.outD, g.outH, g.outW, g.outC], out);
    }) as unknown as KernelFunc,
  });
  const backpropInput: FastKernelFactory = (stock) => ({
    kernelName: tf.Conv3DBackpropInputV2, backendName,
    kernelFunc: ((a: Args) => {
      const { dy, filter } = a.inputs as { dy: TensorInfo; filter: TensorInfo };
      if (dy.dtype !== 'float32') return fallback(stock, tf.Conv3DBackpropInputV2, a);
      const inputShape = a.attrs.inputShape as number[];
      const g = geometry(tf, inputShape, filter.shape, strides(a), a.attrs.pad);
      const dx = conv3dBackpropInput(gemm, g, values(a, dy), values(a, filter));
      return io.make(a.backend, [...inputShape], dx);
    }) as unknown as KernelFunc,
  });
  const backpropFilter: FastKernelFactory = (stock) => ({
    kernelName: tf.Conv3DBackpropFilterV2, backendName,
    kernelFunc: ((a: Args) => {
      const { x, dy } = a.inputs as { x: TensorInfo; dy: TensorInfo };
      if (x.dtype !== 'float32') return fallback(stock, tf.Conv3DBackpropFilterV2, a);
      const filterShape = a.attrs.filterShape as number[];
      const g = geometry(tf, x.shape, filterShape, strides(a), a.attrs.pad);
      const dw = conv3dBackpropFilter(gemm, g, values(a, x), values(a, dy));
      return io.make(a.backend, [...filterShape], dw);
    }) as unknown as KernelFunc,
  });
  return [forward, backpropInput, backpropFilter];
}

let shared: Promise<WasmGemm> | undefined;

/**
 * Installs (enabled) or removes the fast Conv3D kernels of tfjs's cpu or wasm backend.
 * Imports '@tensorflow/tfjs-backend-wasm' for its XNNPACK module (a private instance:
 * the engine's backends are left as they are). Resolves with the kernel names now
 * served fast on that backend.
 */
export async function registerFastCpuKernels(
  tf: typeof tfc,
  options: { enabled: boolean; backend?: FastConvBackend },
): Promise<string[]> {
  const backend = options.backend ?? 'cpu';
  if (!options.enabled) {
    return registerFastKernels(tf, backend, { enabled: false, factories: fastCpuConv3dFactories(tf, undefined as unknown as WasmGemm, backend) });
  }
  await import('@tensorflow/tfjs-backend-wasm');
  shared ??= WasmGemm.create(tf);
  const gemm = await shared;
  return registerFastKernels(tf, backend, { enabled: true, factories: fastCpuConv3dFactories(tf, gemm, backend) });
}
