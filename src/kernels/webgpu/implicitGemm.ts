/**
 * The shared skeleton of the three WebGPU 3D-convolution kernels: an implicit GEMM
 * C[M x N] = A[M x K] * B[K x N] where A and B are never materialised. Each kernel
 * supplies WGSL that reads one element of A (an input patch value, found from the
 * row's voxel and the column's filter tap) and one of B.
 *
 * One workgroup of 64 threads computes a TM x TN tile of C; every thread owns 4 x 4
 * outputs in registers. The K dimension is walked in steps of 16: the workgroup
 * stages a TM x 16 slice of A and a 16 x TN slice of B in workgroup memory, so each
 * value fetched from global memory is used TN (A) or TM (B) times.
 *
 * The reduction over K may be split across workgroups (dispatch z): workgroup z sums
 * the columns [z * kSplit, (z + 1) * kSplit) and writes its own slice of an
 * [S, M, N] result, which a second pass adds up (`sumSplitsProgram.ts`). The filter
 * gradient uses this: its K is the whole volume while M x N is only the filter size.
 *
 * Subgroup variant (`subgroup` given; the device must have the 'subgroups' feature and
 * hoist `enable` directives, see subgroupSupport.ts): the B slice is not staged in
 * workgroup memory. Each lane loads B values of its own columns into registers and
 * the threads that need them read them with `subgroupShuffle`. Nothing assumes a
 * subgroup size or which threads share a subgroup: size and lane come from
 * `subgroupAdd(1)` and `subgroupExclusiveAdd(1)` at the start, where every thread of
 * the workgroup is active, and lane l holds columns l, l + size, ... of the tile
 * (ceil(TN / minSize) registers per step row). Were a subgroup ever smaller than the
 * adapter's reported minimum, the columns nobody holds are read directly instead.
 */
import type { ConvGeometry } from '../convGeometry.ts';
import type { SubgroupSupport } from './subgroupSupport.ts';

/** Tile shape of C computed by one workgroup of 64 threads with 4 x 4 outputs each. */
export interface GemmTile {
  readonly tm: 32 | 64 | 128;
  readonly tn: 8 | 16 | 32;
}

export const TILE_K = 16;
export const WORKGROUP_THREADS = 64;

/** The tile that wastes least for N columns (output channels of the GEMM). */
export function chooseTile(n: number): GemmTile {
  if (n <= 8) return { tm: 128, tn: 8 };
  if (n <= 16) return { tm: 64, tn: 16 };
  return { tm: 32, tn: 32 };
}

/** Names and order of the int32 uniforms every conv GEMM program declares. */
export const GEMM_UNIFORM_NAMES = [
  'M', 'N', 'K', 'kSplit',
  'inD', 'inH', 'inW', 'inC',
  'outD', 'outH', 'outW', 'outC',
  'fD', 'fH', 'fW',
  'sD', 'sH', 'sW',
  'pD', 'pH', 'pW',
] as const;
export type GemmUniformName = (typeof GEMM_UNIFORM_NAMES)[number];

export const GEMM_UNIFORMS_DECL = GEMM_UNIFORM_NAMES.map((n) => `${n} : i32,`).join(' ');

/**
 * WGSL a kernel provides:
 *   struct RowA {...};  fn rowA(m : i32) -> RowA;   (decoded once per thread and row)
 *   struct ColA {...};  fn colA(k : i32) -> ColA;   (decoded once per workgroup and step)
 *   fn readA(r : RowA, c : ColA) -> f32;            (0 outside the volume)
 *   fn readB(k : i32, n : i32) -> f32;
 * Callers guarantee m < M, k < K and n < N. Row and column decoding (integer divisions,
 * costly on GPUs) thus happen once per row and once per column of a tile, not per element.
 * With `subgroup`, the source is the subgroup variant (see the top of this file).
 */
export function implicitGemmSource(tile: GemmTile, operandSnippets: string, subgroup?: SubgroupSupport): string {
  const { tm, tn } = tile;
  const b = subgroup ? subgroupB(tn, subgroup.minSize) : workgroupB(tn);
  const rowsPerThread = Math.max(1, tm / WORKGROUP_THREADS);
  const threadsPerRow = Math.max(1, WORKGROUP_THREADS / tm);
  const kPerThread = TILE_K / threadsPerRow;
  const colThreads = tn / 4;
  const rowDecls: string[] = [];
  const rowLoads: string[] = [];
  for (let r = 0; r < rowsPerThread; r++) {
    rowDecls.push(`
    let lr${r} = ${r * WORKGROUP_THREADS} + tid % ${Math.min(tm, WORKGROUP_THREADS)};
    let am${r} = mBase + lr${r};
    let inRow${r} = am${r} < uniforms.M;
    let ra${r} = rowA(min(am${r}, uniforms.M - 1));`);
    rowLoads.push(`
      for (var j = 0; j < ${kPerThread}; j++) {
        let k = k0 + lk + j;
        var v = 0.0;
        if (inRow${r} && k < kEnd) { v = readA(ra${r}, cols[lk + j]); }
        As[(lk + j) * ${tm} + lr${r}] = v;
      }`);
  }
  return `${b.header}
  var<workgroup> As : array<f32, ${TILE_K * tm}>;
  var<workgroup> cols : array<ColA, ${TILE_K}>;

  ${operandSnippets}

  ${'fn main()'} {
    let tid = i32(localIndex);
    let mBase = i32(workgroupId.x) * ${tm};
    let nBase = i32(workgroupId.y) * ${tn};
    let split = i32(workgroupId.z);
    let kBegin = split * uniforms.kSplit;
    let kEnd = min(kBegin + uniforms.kSplit, uniforms.K);
    let lk = (tid / ${Math.min(tm, WORKGROUP_THREADS)}) * ${kPerThread};
    ${rowDecls.join('\n')}
    let tm0 = (tid / ${colThreads}) * 4;
    let tn0 = (tid % ${colThreads}) * 4;
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    ${b.prologue}
    // the trip count depends on uniforms only, so the barriers stay in uniform control flow
    let steps = (uniforms.kSplit + ${TILE_K - 1}) / ${TILE_K};
    for (var step = 0; step < steps; step++) {
      let k0 = kBegin + step * ${TILE_K};
      if (tid < ${TILE_K} && k0 + tid < kEnd) { cols[tid] = colA(k0 + tid); }
      workgroupBarrier();
      ${rowLoads.join('\n')}
      ${b.stage}
      workgroupBarrier();
      for (var kk = 0; kk < ${TILE_K}; kk++) {
        ${b.read}
        let ao = kk * ${tm} + tm0;
        acc0 = fma(vec4<f32>(As[ao]), b, acc0);
        acc1 = fma(vec4<f32>(As[ao + 1]), b, acc1);
        acc2 = fma(vec4<f32>(As[ao + 2]), b, acc2);
        acc3 = fma(vec4<f32>(As[ao + 3]), b, acc3);
      }
      workgroupBarrier();
    }
    let outBase = split * uniforms.M;
    storeRow(outBase, mBase + tm0, nBase + tn0, acc0);
    storeRow(outBase, mBase + tm0 + 1, nBase + tn0, acc1);
    storeRow(outBase, mBase + tm0 + 2, nBase + tn0, acc2);
    storeRow(outBase, mBase + tm0 + 3, nBase + tn0, acc3);
  }

  fn storeRow(outBase : i32, m : i32, n : i32, v : vec4<f32>) {
    if (m >= uniforms.M) { return; }
    let o = (outBase + m) * uniforms.N + n;
    for (var j = 0; j < 4; j++) {
      if (n + j < uniforms.N) { result[o + j] = v[j]; }
    }
  }
  `;
}

/** WGSL pieces that put B[k0 + kk, nBase + tn0 .. + 3] into `b` in the inner loop. */
interface BOperand {
  readonly header: string;
  readonly prologue: string;
  readonly stage: string;
  readonly read: string;
}

/** B staged in workgroup memory, each value read by every thread that needs it. */
function workgroupB(tn: number): BOperand {
  return {
    header: `
  var<workgroup> Bs : array<f32, ${TILE_K * tn}>;`,
    prologue: '',
    stage: `
      for (var e = tid; e < ${TILE_K * tn}; e = e + ${WORKGROUP_THREADS}) {
        let k = k0 + e / ${tn};
        let n = nBase + e % ${tn};
        var v = 0.0;
        if (k < kEnd && n < uniforms.N) { v = readB(k, n); }
        Bs[e] = v;
      }`,
    read: `
        let bo = kk * ${tn} + tn0;
        let b = vec4<f32>(Bs[bo], Bs[bo + 1], Bs[bo + 2], Bs[bo + 3]);`,
  };
}

/** B in registers, lane l holding columns l, l + size, ...; shared by subgroupShuffle. */
function subgroupB(tn: number, minSize: number): BOperand {
  const slots = Math.ceil(tn / minSize);
  return {
    header: `
  enable subgroups;

  fn readB4(k : i32, n : i32, kEnd : i32) -> vec4<f32> {
    var v = vec4<f32>(0.0);
    for (var j = 0; j < 4; j++) {
      if (k < kEnd && n + j < uniforms.N) { v[j] = readB(k, n + j); }
    }
    return v;
  }`,
    prologue: `
    // every thread of the workgroup is active here, so these are the subgroup's size and this thread's lane
    let sgSize = i32(subgroupAdd(1u));
    let sgLane = i32(subgroupExclusiveAdd(1u));
    let bCol = vec4<i32>(tn0) + vec4<i32>(0, 1, 2, 3);
    let bSrc = bCol % vec4<i32>(sgSize);
    let bSlot = bCol / vec4<i32>(sgSize);
    let bUnheld = any(bSlot >= vec4<i32>(${slots}));
    var bReg : array<f32, ${TILE_K * slots}>;`,
    stage: `
      for (var kk = 0; kk < ${TILE_K}; kk++) {
        for (var j = 0; j < ${slots}; j++) {
          let nl = sgLane + j * sgSize;
          var v = 0.0;
          if (nl < ${tn} && k0 + kk < kEnd && nBase + nl < uniforms.N) { v = readB(k0 + kk, nBase + nl); }
          bReg[kk * ${slots} + j] = v;
        }
      }`,
    read: `
        var b = vec4<f32>(0.0);
        for (var j = 0; j < ${slots}; j++) {
          let r = bReg[kk * ${slots} + j];
          let s = vec4<f32>(subgroupShuffle(r, bSrc.x), subgroupShuffle(r, bSrc.y), subgroupShuffle(r, bSrc.z), subgroupShuffle(r, bSrc.w));
          b = select(b, s, bSlot == vec4<i32>(j));
        }
        if (bUnheld) { b = readB4(k0 + kk, nBase + tn0, kEnd); }`,
  };
}

export { type Conv3DInfoLike, type ConvGeometry, convGeometry } from '../convGeometry.ts';

/** The uniform data for `GEMM_UNIFORMS_DECL`, in order. */
export function gemmUniformData(
  g: ConvGeometry,
  gemm: { m: number; n: number; k: number; kSplit: number },
): Array<{ type: 'int32'; data: number[] }> {
  const values: Record<GemmUniformName, number> = {
    M: gemm.m, N: gemm.n, K: gemm.k, kSplit: gemm.kSplit,
    inD: g.inD, inH: g.inH, inW: g.inW, inC: g.inC,
    outD: g.outD, outH: g.outH, outW: g.outW, outC: g.outC,
    fD: g.fD, fH: g.fH, fW: g.fW,
    sD: g.sD, sH: g.sH, sW: g.sW,
    pD: g.pD, pH: g.pH, pW: g.pW,
  };
  return GEMM_UNIFORM_NAMES.map((name) => ({ type: 'int32' as const, data: [values[name]] }));
}

/** Workgroups along x (M tiles) and y (N tiles), z splits; fails clearly past the device limit. */
export function gemmDispatch(tile: GemmTile, m: number, n: number, splits: number, maxPerDim: number): [number, number, number] {
  const x = Math.ceil(m / tile.tm);
  const y = Math.ceil(n / tile.tn);
  if (x > maxPerDim || y > maxPerDim || splits > maxPerDim) {
    throw new Error(
      `conv3d GEMM needs ${x} x ${y} x ${splits} workgroups; this device allows ${maxPerDim} per dimension (use a smaller patch or batch)`,
    );
  }
  return [x, y, splits];
}
