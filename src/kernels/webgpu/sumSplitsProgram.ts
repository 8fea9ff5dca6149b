/**
 * Second pass of a split reduction: sums an [S, size] buffer of partial results over
 * S into `outputShape` (size elements), one thread per element.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

export class SumSplitsProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey = 'fedsegSumSplits';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames = ['partial'];
  uniforms = 'splits : i32,';
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;

  constructor(outputShape: number[]) {
    this.outputShape = outputShape;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    const size = outputShape.reduce((a, b) => a * b, 1);
    this.dispatch = [Math.ceil(size / 64), 1, 1];
  }

  getUserCode(): string {
    return `
    fn main(index : i32) {
      if (index < uniforms.size) {
        var s = 0.0;
        for (var i = 0; i < uniforms.splits; i++) {
          s = s + partial[i * uniforms.size + index];
        }
        setOutputAtIndex(index, s);
      }
    }`;
  }
}
