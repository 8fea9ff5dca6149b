/**
 * Conv3D forward (NDHWC input, [fd, fh, fw, inC, outC] filter) as an implicit GEMM:
 * rows are output voxels, columns output channels, the reduction runs over filter
 * taps x input channels. A[m, k] is the input value under tap k of output voxel m
 * (0 in the padding); B[k, n] is the filter itself, read in place.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { SubgroupSupport } from './subgroupSupport.ts';
import { type ConvGeometry, type GemmTile, GEMM_UNIFORMS_DECL, chooseTile, gemmDispatch, implicitGemmSource } from './implicitGemm.ts';

const OPERANDS = `
  struct RowA { b : i32, d : i32, h : i32, w : i32 };

  fn rowA(m : i32) -> RowA {
    let ow = m % uniforms.outW;
    let t1 = m / uniforms.outW;
    let oh = t1 % uniforms.outH;
    let t2 = t1 / uniforms.outH;
    let od = t2 % uniforms.outD;
    let b = t2 / uniforms.outD;
    return RowA(b, od * uniforms.sD - uniforms.pD, oh * uniforms.sH - uniforms.pH, ow * uniforms.sW - uniforms.pW);
  }

  struct ColA { kd : i32, kh : i32, kw : i32, ci : i32 };

  fn colA(k : i32) -> ColA {
    let tap = k / uniforms.inC;
    let ci = k - tap * uniforms.inC;
    let kw = tap % uniforms.fW;
    let t = tap / uniforms.fW;
    return ColA(t / uniforms.fH, t % uniforms.fH, kw, ci);
  }

  fn readA(r : RowA, c : ColA) -> f32 {
    let d = r.d + c.kd;
    let h = r.h + c.kh;
    let w = r.w + c.kw;
    if (d < 0 || d >= uniforms.inD || h < 0 || h >= uniforms.inH || w < 0 || w >= uniforms.inW) {
      return 0.0;
    }
    return x[(((r.b * uniforms.inD + d) * uniforms.inH + h) * uniforms.inW + w) * uniforms.inC + c.ci];
  }

  fn readB(k : i32, n : i32) -> f32 {
    return W[k * uniforms.outC + n];
  }
`;

export class Conv3DGemmProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0], y: [1], z: [2] };
  dispatch: [number, number, number];
  variableNames = ['x', 'W'];
  uniforms = GEMM_UNIFORMS_DECL;
  workgroupSize: [number, number, number] = [64, 1, 1];
  readonly tile: GemmTile;
  readonly gemm: { m: number; n: number; k: number; kSplit: number };

  /** `subgroup`: build the subgroup variant (see implicitGemm.ts) for a device that can run it */
  constructor(g: ConvGeometry, maxWorkgroupsPerDim: number, readonly subgroup?: SubgroupSupport) {
    this.outputShape = [g.batch, g.outD, g.outH, g.outW, g.outC];
    const m = g.batch * g.outD * g.outH * g.outW;
    const k = g.fD * g.fH * g.fW * g.inC;
    this.gemm = { m, n: g.outC, k, kSplit: k };
    this.tile = chooseTile(g.outC);
    this.dispatch = gemmDispatch(this.tile, m, g.outC, 1, maxWorkgroupsPerDim);
    this.shaderKey = `fedsegConv3dGemm_${this.tile.tm}x${this.tile.tn}${subgroup ? `_sg${subgroup.minSize}` : ''}`;
  }

  getUserCode(): string {
    return implicitGemmSource(this.tile, OPERANDS, this.subgroup);
  }
}
