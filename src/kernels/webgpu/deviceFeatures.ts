/**
 * What the WebGPU device under tfjs offers that faster kernels could use. tfjs 4.22
 * creates its device asking only for 'timestamp-query' and 'bgra8unorm-storage', so
 * 'subgroups' and 'shader-f16' are absent from the device even where the adapter has
 * them; the kernels therefore use workgroup memory only, which every device has.
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
