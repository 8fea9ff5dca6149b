/** Conv3DBackpropInputV2 for the webgpu backend through `Conv3DBackpropInputGemmProgram`. */
import { backend_util, Conv3DBackpropInputV2 } from '@tensorflow/tfjs-core';
import type { Conv3DBackpropInputV2Attrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { Conv3DBackpropInputGemmProgram } from './conv3dBackpropInputProgram.ts';
import { subgroupVariantFor } from './subgroupMode.ts';
import { convGeometry, gemmUniformData } from './implicitGemm.ts';
import { stockFallback } from './fallback.ts';

export function makeConv3DBackpropInputConfig(stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: {
    inputs: { dy: TensorInfo; filter: TensorInfo };
    backend: WebGPUBackend;
    attrs: Conv3DBackpropInputV2Attrs;
  }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs;
    const { strides, pad, inputShape } = attrs;
    if (dy.dtype !== 'float32' || filter.dtype !== 'float32') {
      return stockFallback(stock, Conv3DBackpropInputV2, args);
    }
    const info = backend_util.computeConv3DInfo(
      inputShape as [number, number, number, number, number],
      filter.shape as [number, number, number, number, number],
      strides, 1, pad,
    );
    const g = convGeometry(info);
    const program = new Conv3DBackpropInputGemmProgram(g, backend.device.limits.maxComputeWorkgroupsPerDimension, subgroupVariantFor(backend.device));
    return backend.runWebGPUProgram(program, [dy, filter], 'float32', gemmUniformData(g, program.gemm));
  };
  return { kernelName: Conv3DBackpropInputV2, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as KernelFunc };
}
