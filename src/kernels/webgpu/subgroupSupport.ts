/**
 * Which WebGPU devices can run fedseg's subgroup kernel variants. Two things are
 * needed: the device was created with the 'subgroups' feature, and its shader modules
 * may start with `enable subgroups;`. tfjs assembles a program's WGSL with its own
 * declarations first and the program's code after them, while WGSL wants every
 * `enable` directive before any declaration, so a device we create gets a
 * `createShaderModule` that moves `enable` lines to the top (`hoistEnableDirectives`).
 * Devices tfjs creates itself have neither, and the kernels stay on their plain
 * (workgroup-memory) variants there.
 */

export interface SubgroupSupport {
  /**
   * The smallest subgroup size the adapter may use (`GPUAdapterInfo.subgroupMinSize`,
   * 4 where the adapter does not say: the least WebGPU allows). Kernels size their
   * registers by it; the actual size is read in the shader.
   */
  readonly minSize: number;
}

/** WebGPU never runs subgroups smaller than this. */
export const WEBGPU_MIN_SUBGROUP_SIZE = 4;

const ENABLE_LINE = /^[ \t]*enable[ \t]+[A-Za-z0-9_, \t]+;[ \t]*$/gm;

/** `code` with every `enable ...;` line moved, once each, to the start. */
export function hoistEnableDirectives(code: string): string {
  const lines = code.match(ENABLE_LINE);
  if (!lines) return code;
  const unique = [...new Set(lines.map((l) => l.trim()))];
  return `${unique.join('\n')}\n${code.replace(ENABLE_LINE, '')}`;
}

const supported = new WeakMap<GPUDevice, SubgroupSupport>();

/**
 * Marks `device` (which must have the 'subgroups' feature) as able to run subgroup
 * kernels and makes its shader modules accept `enable` directives anywhere.
 */
export function enableSubgroupShaders(device: GPUDevice, adapterInfo: GPUAdapterInfo | undefined): SubgroupSupport {
  if (!device.features.has('subgroups')) {
    throw new Error(`enableSubgroupShaders: expected a device with the 'subgroups' feature, found features [${[...device.features].join(', ')}]`);
  }
  const known = supported.get(device);
  if (known) return known;
  const create = device.createShaderModule.bind(device);
  device.createShaderModule = (descriptor: GPUShaderModuleDescriptor): GPUShaderModule =>
    create({ ...descriptor, code: hoistEnableDirectives(descriptor.code) });
  const reported = adapterInfo?.subgroupMinSize;
  const support = { minSize: reported && reported >= WEBGPU_MIN_SUBGROUP_SIZE ? reported : WEBGPU_MIN_SUBGROUP_SIZE };
  supported.set(device, support);
  return support;
}

/** How `device` runs subgroup kernels, or undefined where it cannot. */
export function subgroupSupport(device: GPUDevice): SubgroupSupport | undefined {
  return supported.get(device);
}
