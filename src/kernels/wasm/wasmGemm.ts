/**
 * Float32 matrix products through XNNPACK inside tfjs-backend-wasm's WebAssembly
 * module (SIMD, single thread), for the fast CPU Conv3D kernels.
 *
 * The module is a private instance made from the registered 'wasm' backend factory,
 * so the engine's own backends are untouched. Operands live on the module's heap:
 * `alloc` hands out heap buffers, `view` maps a buffer range as a tensor id the C++
 * side can read (several ids may alias one buffer, which is how a chunk of rows is
 * passed without copying). Only the product C = A[M x K] * B[K x N] (no transposes)
 * takes XNNPACK's fast path; XNNPACK packs B when an id is first used as B and caches
 * that packing under the id, so an id is used as B for one set of values only.
 */
import type * as tfc from '@tensorflow/tfjs-core';

interface WasmModule {
  HEAPF32: Float32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  cwrap(name: string, ret: null, args: string[]): (...a: unknown[]) => void;
  tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
  };
}

/** A range of floats on the wasm heap. */
export interface HeapBuffer {
  readonly ptr: number;
  readonly length: number;
}

export class WasmGemm {
  private nextId = 1 << 30; // far above the ids the wasm backend hands out itself
  private readonly batchMatMul: (...a: unknown[]) => void;

  private constructor(private readonly wasm: WasmModule) {
    this.batchMatMul = wasm.cwrap('BatchMatMul', null, [
      'number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number',
    ]);
  }

  /** Instantiates a private copy of the wasm backend's module. Needs '@tensorflow/tfjs-backend-wasm' imported. */
  static async create(tf: typeof tfc): Promise<WasmGemm> {
    let factory: (() => tfc.KernelBackend | Promise<tfc.KernelBackend>) | undefined;
    try {
      factory = tf.findBackendFactory('wasm') ?? undefined;
    } catch {
      factory = undefined;
    }
    if (!factory) {
      throw new Error("the 'wasm' backend is not registered: import '@tensorflow/tfjs-backend-wasm' before creating WasmGemm");
    }
    const backend = (await factory()) as unknown as { wasm: WasmModule };
    return new WasmGemm(backend.wasm);
  }

  /** The heap as floats; fetch again after every `alloc` (the heap may grow and move). */
  heap(): Float32Array {
    return this.wasm.HEAPF32;
  }

  alloc(length: number): HeapBuffer {
    const ptr = this.wasm._malloc(Math.max(1, length) * 4) >>> 0;
    if (ptr === 0) throw new Error(`wasm heap exhausted allocating ${length} floats`);
    return { ptr, length };
  }

  free(b: HeapBuffer): void {
    this.wasm._free(b.ptr);
  }

  /** Float index of a buffer's first element in `heap()`. */
  index(b: HeapBuffer, offset = 0): number {
    return (b.ptr >>> 2) + offset;
  }

  /** A tensor id for floats [offset, offset + length) of `b`; release it with `release`. */
  view(b: HeapBuffer, offset: number, length: number): number {
    if (offset < 0 || offset + length > b.length) {
      throw new Error(`heap view [${offset}, ${offset + length}) outside a buffer of ${b.length} floats`);
    }
    const id = this.nextId++;
    this.wasm.tfjs.registerTensor(id, length, b.ptr + offset * 4);
    return id;
  }

  release(id: number): void {
    this.wasm.tfjs.disposeData(id);
  }

  /** out[m x n] = a[m x k] * b[k x n], all given as tensor ids from `view`. */
  matmul(a: number, b: number, out: number, m: number, k: number, n: number): void {
    const aShape = new Uint8Array(new Int32Array([1, m, k]).buffer);
    const bShape = new Uint8Array(new Int32Array([1, k, n]).buffer);
    this.batchMatMul(a, aShape, 3, b, bShape, 3, false, false, out);
  }
}
