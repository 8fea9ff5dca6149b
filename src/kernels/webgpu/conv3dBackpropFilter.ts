/**
 * Conv3DBackpropFilterV2 for the webgpu backend: `Conv3DBackpropFilterGemmProgram`
 * writes per-split partial sums, `SumSplitsProgram` adds them into the gradient.
 */
import { backend_util, Conv3DBackpropFilterV2 } from '@tensorflow/tfjs-core';
import type { Conv3DBackpropFilterV2Attrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { Conv3DBackpropFilterGemmProgram } from './conv3dBackpropFilterProgram.ts';
import { SumSplitsProgram } from './sumSplitsProgram.ts';
import { subgroupVariantFor } from './subgroupMode.ts';
import { convGeometry, gemmUniformData } from './implicitGemm.ts';
import { stockFallback } from './fallback.ts';

export function makeConv3DBackpropFilterConfig(stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: {
    inputs: { x: TensorInfo; dy: TensorInfo };
    backend: WebGPUBackend;
    attrs: Conv3DBackpropFilterV2Attrs;
  }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x, dy } = inputs;
    const { strides, pad, filterShape } = attrs;
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
      return stockFallback(stock, Conv3DBackpropFilterV2, args);
    }
    const info = backend_util.computeConv3DInfo(
      x.shape as [number, number, number, number, number],
      filterShape as [number, number, number, number, number],
      strides, 1, pad,
    );
    const g = convGeometry(info);
    const program = new Conv3DBackpropFilterGemmProgram(g, backend.device.limits.maxComputeWorkgroupsPerDimension, subgroupVariantFor(backend.device));
    const partial = backend.runWebGPUProgram(program, [x, dy], 'float32', gemmUniformData(g, program.gemm));
    if (program.splits === 1) return partial;
    const sum = new SumSplitsProgram([...filterShape]);
    const out = backend.runWebGPUProgram(sum, [partial], 'float32', [{ type: 'int32', data: [program.splits] }]);
    backend.disposeData(partial.dataId);
    return out;
  };
  return { kernelName: Conv3DBackpropFilterV2, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as KernelFunc };
}
