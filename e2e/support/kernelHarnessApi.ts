/**
 * What the kernel harness page (kernelHarness.ts) offers e2e/kernels.spec.ts: the
 * name of its global and the shapes of its calls. No runtime dependencies, so both the
 * page bundle and the Node-side spec import it.
 */
import type { Conv3DCase, Conv3DKernelComparison } from '../../src/kernels/testing/conv3dCases.ts';

export const KERNEL_HARNESS_GLOBAL = 'fedsegKernelHarness';

export interface HarnessStart {
  /** tf.getBackend() after selecting webgpu */
  readonly backend: string;
  /** the adapter as the page's own navigator.gpu reports it */
  readonly adapter: { readonly vendor: string; readonly architecture: string; readonly device: string; readonly description: string };
  readonly fastKernels: string[];
}

export interface RestoreReport {
  /** kernel names served by fast kernels while enabled / after disabling */
  readonly installedBefore: string[];
  readonly installedAfter: string[];
  /** whether the Conv3D kernel function changed on disabling, and changed back on re-enabling */
  readonly swappedOnDisable: boolean;
  readonly swappedOnEnable: boolean;
  /** the stock Conv3D (after disabling) against cpu on a tiny problem */
  readonly stockRelativeError: number;
}

export interface KernelHarness {
  start(): Promise<HarnessStart>;
  /** The three kernels of `c`, fresh operands from `seed` for each, webgpu vs cpu. */
  compare(c: Conv3DCase, seed: number): Promise<Conv3DKernelComparison[]>;
  checkRestore(seed: number): Promise<RestoreReport>;
}
