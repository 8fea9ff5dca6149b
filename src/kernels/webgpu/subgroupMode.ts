/**
 * Whether the WebGPU Conv3D kernels use their subgroup variant:
 *   'off'  (default) always the plain workgroup-memory kernels;
 *   'auto' the subgroup variant on devices that can run it (`subgroupSupport`), plain elsewhere;
 *   'on'   the subgroup variant, and an error on a device that cannot run it.
 * The default is 'off' because the variant has only been timed on SwiftShader (the
 * CPU), which says nothing about a GPU; see docs/kernels.md.
 */
import { type SubgroupSupport, subgroupSupport } from './subgroupSupport.ts';

export const SUBGROUP_MODES = ['off', 'auto', 'on'] as const;
export type SubgroupMode = (typeof SUBGROUP_MODES)[number];

let mode: SubgroupMode = 'off';

export function setWebgpuSubgroupMode(next: SubgroupMode): void {
  if (!SUBGROUP_MODES.includes(next)) {
    throw new Error(`unknown subgroup mode "${String(next)}" (known: ${SUBGROUP_MODES.join(', ')})`);
  }
  mode = next;
}

export function webgpuSubgroupMode(): SubgroupMode {
  return mode;
}

/** The subgroup support a kernel should use on `device` under the current mode, or undefined for the plain kernel. */
export function subgroupVariantFor(device: GPUDevice): SubgroupSupport | undefined {
  if (mode === 'off') return undefined;
  const support = subgroupSupport(device);
  if (!support && mode === 'on') {
    throw new Error(
      "subgroup mode 'on': this WebGPU device cannot run the subgroup kernels (it needs the 'subgroups' feature " +
        'and a device from registerWebgpuBackendWithFeatures); use mode "auto" to fall back to the plain kernels',
    );
  }
  return support;
}
