/**
 * What the WebGPU device under tfjs offers that faster kernels could use. tfjs 4.22
 * creates its device asking only for 'timestamp-query' and 'bgra8unorm-storage', so
 * 'subgroups' and 'shader-f16' are absent from its device even where the adapter has
 * them; `registerWebgpuBackendWithFeatures` (webgpuBackendWithFeatures.ts) makes a
 * device that has them.
 */
export interface WebgpuDeviceFeatures {
  readonly subgroups: boolean;
  readonly shaderF16: boolean;
  readonly maxWorkgroupStorageBytes: number;
  readonly maxWorkgroupsPerDimension: number;
}

export function webgpuDeviceFeatures(device: GPUDevice): WebgpuDeviceFeatures {
  return {
    subgroups: device.features.has('subgroups' as GPUFeatureName),
    shaderF16: device.features.has('shader-f16'),
    maxWorkgroupStorageBytes: device.limits.maxComputeWorkgroupStorageSize,
    maxWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension,
  };
}
