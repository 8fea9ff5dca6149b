/**
 * Conv3DBackpropFilterV2 (the gradient of Conv3D with respect to its filter) as an
 * implicit GEMM with a split reduction: rows are filter taps x input channels,
 * columns output channels, and the reduction runs over every output voxel of the
 * batch. That reduction is long (262,144 voxels for a 64^3 patch) while the result is
 * small, so it is cut into `splits` ranges, one per workgroup layer (dispatch z); each
 * writes its partial sums to its own [M, N] slice of an [splits, M, N] output and
 * `SumSplitsProgram` adds them up. No atomics, so the result is deterministic.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { SubgroupSupport } from './subgroupSupport.ts';
import { type ConvGeometry, type GemmTile, GEMM_UNIFORMS_DECL, TILE_K, chooseTile, gemmDispatch, implicitGemmSource } from './implicitGemm.ts';

const OPERANDS = `
  struct RowA { kd : i32, kh : i32, kw : i32, ci : i32 };

  fn rowA(m : i32) -> RowA {
    let ci = m % uniforms.inC;
    let tap = m / uniforms.inC;
    let kw = tap % uniforms.fW;
    let t = tap / uniforms.fW;
    return RowA(t / uniforms.fH, t % uniforms.fH, kw, ci);
  }

  // a column is an output voxel: its batch and the input corner its patch starts at
  struct ColA { b : i32, d : i32, h : i32, w : i32 };

  fn colA(k : i32) -> ColA {
    let ow = k % uniforms.outW;
    let t1 = k / uniforms.outW;
    let oh = t1 % uniforms.outH;
    let t2 = t1 / uniforms.outH;
    let od = t2 % uniforms.outD;
    let b = t2 / uniforms.outD;
    return ColA(b, od * uniforms.sD - uniforms.pD, oh * uniforms.sH - uniforms.pH, ow * uniforms.sW - uniforms.pW);
  }

  fn readA(r : RowA, c : ColA) -> f32 {
    let d = c.d + r.kd;
    let h = c.h + r.kh;
    let w = c.w + r.kw;
    if (d < 0 || d >= uniforms.inD || h < 0 || h >= uniforms.inH || w < 0 || w >= uniforms.inW) {
      return 0.0;
    }
    return x[(((c.b * uniforms.inD + d) * uniforms.inH + h) * uniforms.inW + w) * uniforms.inC + r.ci];
  }

  fn readB(k : i32, n : i32) -> f32 {
    return dy[k * uniforms.outC + n];
  }
`;

/** Voxels one workgroup sums before handing over to the next split. */
const VOXELS_PER_SPLIT = 2048;
const MAX_SPLITS = 256;

/** How many ranges to cut a reduction of `k` voxels into, and the (TILE_K-aligned) range length. */
export function splitReduction(k: number): { splits: number; kSplit: number } {
  const splits = Math.max(1, Math.min(MAX_SPLITS, Math.ceil(k / VOXELS_PER_SPLIT)));
  const kSplit = Math.ceil(k / splits / TILE_K) * TILE_K;
  return { splits: Math.ceil(k / kSplit), kSplit };
}

export class Conv3DBackpropFilterGemmProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0], y: [1], z: [2] };
  dispatch: [number, number, number];
  variableNames = ['x', 'dy'];
  uniforms = GEMM_UNIFORMS_DECL;
  workgroupSize: [number, number, number] = [64, 1, 1];
  readonly tile: GemmTile;
  readonly gemm: { m: number; n: number; k: number; kSplit: number };
  readonly splits: number;

  /** `subgroup`: build the subgroup variant (see implicitGemm.ts) for a device that can run it */
  constructor(g: ConvGeometry, maxWorkgroupsPerDim: number, readonly subgroup?: SubgroupSupport) {
    const m = g.fD * g.fH * g.fW * g.inC;
    const k = g.batch * g.outD * g.outH * g.outW;
    const { splits, kSplit } = splitReduction(k);
    this.splits = splits;
    this.gemm = { m, n: g.outC, k, kSplit };
    // with one split the result is the filter gradient itself
    this.outputShape = splits === 1 ? [g.fD, g.fH, g.fW, g.inC, g.outC] : [splits, m, g.outC];
    this.tile = chooseTile(g.outC);
    this.dispatch = gemmDispatch(this.tile, m, g.outC, splits, maxWorkgroupsPerDim);
    this.shaderKey = `fedsegConv3dBackpropFilterGemm_${this.tile.tm}x${this.tile.tn}${subgroup ? `_sg${subgroup.minSize}` : ''}`;
  }

  getUserCode(): string {
    return implicitGemmSource(this.tile, OPERANDS, this.subgroup);
  }
}
