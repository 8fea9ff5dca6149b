/**
 * Conv3DBackpropInputV2 (the gradient of Conv3D with respect to its input) as an
 * implicit GEMM: rows are input voxels, columns input channels, the reduction runs
 * over filter taps x output channels. A[m, k] is dy at the output voxel that tap k
 * maps input voxel m onto (0 where the stride skips it or it falls outside);
 * B[k, n] is the filter read transposed in place.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { SubgroupSupport } from './subgroupSupport.ts';
import { type ConvGeometry, type GemmTile, GEMM_UNIFORMS_DECL, chooseTile, gemmDispatch, implicitGemmSource } from './implicitGemm.ts';

/** WGSL operands; with unit strides every tap lands on an output voxel, so no division is needed. */
function operands(unitStride: boolean): string {
  const locate = unitStride
    ? `
    let od = r.d - c.kd;
    let oh = r.h - c.kh;
    let ow = r.w - c.kw;
    if (od < 0 || oh < 0 || ow < 0) { return 0.0; }`
    : `
    let dd = r.d - c.kd;
    let hh = r.h - c.kh;
    let ww = r.w - c.kw;
    if (dd < 0 || hh < 0 || ww < 0) { return 0.0; }
    let od = dd / uniforms.sD;
    let oh = hh / uniforms.sH;
    let ow = ww / uniforms.sW;
    if (od * uniforms.sD != dd || oh * uniforms.sH != hh || ow * uniforms.sW != ww) { return 0.0; }`;
  return `
  struct RowA { b : i32, d : i32, h : i32, w : i32 };

  fn rowA(m : i32) -> RowA {
    let iw = m % uniforms.inW;
    let t1 = m / uniforms.inW;
    let ih = t1 % uniforms.inH;
    let t2 = t1 / uniforms.inH;
    let id = t2 % uniforms.inD;
    let b = t2 / uniforms.inD;
    return RowA(b, id + uniforms.pD, ih + uniforms.pH, iw + uniforms.pW);
  }

  struct ColA { kd : i32, kh : i32, kw : i32, co : i32 };

  fn colA(k : i32) -> ColA {
    let tap = k / uniforms.outC;
    let co = k - tap * uniforms.outC;
    let kw = tap % uniforms.fW;
    let t = tap / uniforms.fW;
    return ColA(t / uniforms.fH, t % uniforms.fH, kw, co);
  }

  fn readA(r : RowA, c : ColA) -> f32 {
    ${locate}
    if (od >= uniforms.outD || oh >= uniforms.outH || ow >= uniforms.outW) { return 0.0; }
    return dy[(((r.b * uniforms.outD + od) * uniforms.outH + oh) * uniforms.outW + ow) * uniforms.outC + c.co];
  }

  fn readB(k : i32, n : i32) -> f32 {
    let tap = k / uniforms.outC;
    let co = k - tap * uniforms.outC;
    return W[(tap * uniforms.inC + n) * uniforms.outC + co];
  }
`;
}

export class Conv3DBackpropInputGemmProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0], y: [1], z: [2] };
  dispatch: [number, number, number];
  variableNames = ['dy', 'W'];
  uniforms = GEMM_UNIFORMS_DECL;
  workgroupSize: [number, number, number] = [64, 1, 1];
  readonly tile: GemmTile;
  readonly gemm: { m: number; n: number; k: number; kSplit: number };
  readonly unitStride: boolean;

  /** `subgroup`: build the subgroup variant (see implicitGemm.ts) for a device that can run it */
  constructor(g: ConvGeometry, maxWorkgroupsPerDim: number, readonly subgroup?: SubgroupSupport) {
    this.outputShape = [g.batch, g.inD, g.inH, g.inW, g.inC];
    this.unitStride = g.sD === 1 && g.sH === 1 && g.sW === 1;
    const m = g.batch * g.inD * g.inH * g.inW;
    const k = g.fD * g.fH * g.fW * g.outC;
    this.gemm = { m, n: g.inC, k, kSplit: k };
    this.tile = chooseTile(g.inC);
    this.dispatch = gemmDispatch(this.tile, m, g.inC, 1, maxWorkgroupsPerDim);
    this.shaderKey = `fedsegConv3dBackpropInputGemm_${this.tile.tm}x${this.tile.tn}_${this.unitStride ? 's1' : 'sN'}${subgroup ? `_sg${subgroup.minSize}` : ''}`;
  }

  getUserCode(): string {
    return implicitGemmSource(this.tile, operands(this.unitStride), this.subgroup);
  }
}
