/**
 * Swaps tfjs's stock 3D-convolution kernels for fedseg's fast ones on one backend,
 * and back. tfjs refuses to register a kernel twice for a backend, so the stock
 * kernel is unregistered first and kept, to be restored by `enabled: false` and used
 * as the fallback for calls the fast kernels do not cover (e.g. dilation > 1).
 *
 *   registerFastKernels(tf, 'webgpu', { enabled: true });   // WGSL implicit GEMM
 *   registerFastKernels(tf, 'webgpu', { enabled: false });  // stock tfjs again
 *
 * Backends other than webgpu need their kernel factories passed in (`factories`):
 * the cpu and wasm kernels live in src/kernels/wasm/fastCpuConv3d.ts (`registerFastCpuKernels`).
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { makeConv3DConfig } from './webgpu/conv3d.ts';
import { makeConv3DBackpropInputConfig } from './webgpu/conv3dBackpropInput.ts';
import { makeConv3DBackpropFilterConfig } from './webgpu/conv3dBackpropFilter.ts';
import { type SubgroupMode, setWebgpuSubgroupMode } from './webgpu/subgroupMode.ts';

/** Builds a fast kernel given the stock one it replaces (its fallback), if any. */
export type FastKernelFactory = (stock: KernelConfig | undefined) => KernelConfig;

/** The part of the tfjs-core namespace this module uses. */
export interface KernelRegistry {
  getKernel(kernelName: string, backendName: string): KernelConfig | undefined;
  registerKernel(config: KernelConfig): void;
  unregisterKernel(kernelName: string, backendName: string): void;
}

export const WEBGPU_FAST_KERNELS: readonly FastKernelFactory[] = [
  makeConv3DConfig,
  makeConv3DBackpropInputConfig,
  makeConv3DBackpropFilterConfig,
];

const BUILT_IN: Readonly<Record<string, readonly FastKernelFactory[]>> = { webgpu: WEBGPU_FAST_KERNELS };

export interface FastKernelOptions {
  readonly enabled: boolean;
  /** kernel factories for `backendName`; defaults to the built-in set (webgpu only) */
  readonly factories?: readonly FastKernelFactory[];
  /**
   * webgpu only: whether the kernels use their subgroup variant ('off', the default,
   * 'auto' or 'on'; see webgpu/subgroupMode.ts). Left out, the current mode stays.
   */
  readonly subgroups?: SubgroupMode;
}

interface Slot {
  readonly stock: KernelConfig | undefined;
  readonly fast: KernelConfig;
}
/** per "backend/kernel": the stock kernel that was replaced and its replacement */
const installed = new Map<string, Slot>();

/** Kernel names currently served by a fast kernel on `backendName`. */
export function fastKernelsInstalled(backendName: string): string[] {
  return [...installed.keys()].filter((k) => k.startsWith(`${backendName}/`)).map((k) => k.slice(backendName.length + 1));
}

/**
 * Installs (enabled) or removes (disabled) the fast kernels for `backendName`.
 * Idempotent; returns the kernel names now served by fast kernels on that backend.
 */
export function registerFastKernels(tf: KernelRegistry, backendName: string, options: FastKernelOptions): string[] {
  const factories = options.factories ?? BUILT_IN[backendName];
  if (!factories) {
    throw new Error(
      `no built-in fast kernels for backend "${backendName}" (built in: ${Object.keys(BUILT_IN).join(', ')}); pass options.factories`,
    );
  }
  if (options.subgroups !== undefined) {
    if (backendName !== 'webgpu') throw new Error(`options.subgroups applies to the webgpu backend only, found backend "${backendName}"`);
    setWebgpuSubgroupMode(options.subgroups);
  }
  for (const factory of factories) {
    const probe = factory(undefined);
    const key = `${backendName}/${probe.kernelName}`;
    const slot = installed.get(key);
    if (options.enabled) {
      if (slot) continue;
      const stock = tf.getKernel(probe.kernelName, backendName);
      if (stock) tf.unregisterKernel(probe.kernelName, backendName);
      const fast = { ...factory(stock), backendName };
      tf.registerKernel(fast);
      installed.set(key, { stock, fast });
    } else if (slot) {
      tf.unregisterKernel(probe.kernelName, backendName);
      if (slot.stock) tf.registerKernel(slot.stock);
      installed.delete(key);
    }
  }
  return fastKernelsInstalled(backendName);
}
