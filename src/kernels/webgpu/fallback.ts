/** Hands a call the fast kernels do not cover (dilation, other layouts, dtypes) to the stock kernel. */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

export function stockFallback(stock: KernelConfig | undefined, kernelName: string, args: unknown): TensorInfo {
  if (!stock) {
    throw new Error(`${kernelName}: the fast kernel covers float32 NDHWC with dilation 1 only, and no stock kernel is registered to fall back on`);
  }
  return (stock.kernelFunc as KernelFunc)(args as Parameters<KernelFunc>[0]) as TensorInfo;
}

export function isUnitDilation(d: number | [number, number, number] | undefined): boolean {
  if (d === undefined) return true;
  return typeof d === 'number' ? d === 1 : d.every((v) => v === 1);
}
