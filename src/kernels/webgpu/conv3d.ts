/** Conv3D for the webgpu backend through `Conv3DGemmProgram` (tiled implicit GEMM). */
import { backend_util, Conv3D } from '@tensorflow/tfjs-core';
import type { Conv3DAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { Conv3DGemmProgram } from './conv3dProgram.ts';
import { subgroupVariantFor } from './subgroupMode.ts';
import { convGeometry, gemmUniformData } from './implicitGemm.ts';
import { isUnitDilation, stockFallback } from './fallback.ts';

export function makeConv3DConfig(stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: { inputs: { x: TensorInfo; filter: TensorInfo }; backend: WebGPUBackend; attrs: Conv3DAttrs }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x, filter } = inputs;
    const { strides, pad, dilations, dataFormat } = attrs;
    if (x.dtype !== 'float32' || filter.dtype !== 'float32' || !isUnitDilation(dilations) || (dataFormat ?? 'NDHWC') !== 'NDHWC') {
      return stockFallback(stock, Conv3D, args);
    }
    const info = backend_util.computeConv3DInfo(
      x.shape as [number, number, number, number, number],
      filter.shape as [number, number, number, number, number],
      strides, dilations, pad,
    );
    const g = convGeometry(info);
    const program = new Conv3DGemmProgram(g, backend.device.limits.maxComputeWorkgroupsPerDimension, subgroupVariantFor(backend.device));
    return backend.runWebGPUProgram(program, [x, filter], 'float32', gemmUniformData(g, program.gemm));
  };
  return { kernelName: Conv3D, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as KernelFunc };
}
