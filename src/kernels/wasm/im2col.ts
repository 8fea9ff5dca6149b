/**
 * im2col and col2im for NDHWC 3D convolutions: row r of the patch matrix is output
 * voxel r (batch-major), column k is filter tap x input channel in the filter's
 * [fd, fh, fw, inC] order, so that patches * filter[K x outC] is the convolution.
 * Rows [r0, r1) are written to (or read from) `cols` at `base + (r - r0) * rowStride
 * + k * colStride`: rowStride K, colStride 1 for the row-major matrix; rowStride 1,
 * colStride (r1 - r0) for its transpose. Padding reads as 0.
 */
import type { ConvGeometry } from '../convGeometry.ts';


export function patchColumns(g: ConvGeometry): number {
  return g.fD * g.fH * g.fW * g.inC;
}

export function outputVoxels(g: ConvGeometry): number {
  return g.batch * g.outD * g.outH * g.outW;
}

/** Decodes output row r into [b, od, oh, ow]. */
function decodeRow(g: ConvGeometry, r: number): [number, number, number, number] {
  const ow = r % g.outW;
  let t = (r - ow) / g.outW;
  const oh = t % g.outH;
  t = (t - oh) / g.outH;
  const od = t % g.outD;
  return [(t - od) / g.outD, od, oh, ow];
}

/**
 * Writes patch rows [r0, r1) of x into cols (see the file comment for the layout).
 * The loops are spelled out (no callbacks): where a filter row (kd, kh) lies inside
 * the volume across its whole width, its fW taps are one contiguous run of x.
 */
export function im2col(
  x: Float32Array, g: ConvGeometry, r0: number, r1: number,
  cols: Float32Array, base: number, rowStride: number, colStride: number,
): void {
  const { inD, inH, inW, inC, outD, outH, outW, fD, fH, fW, sD, sH, sW, pD, pH, pW } = g;
  const run = fW * inC;
  let [b, od, oh, ow] = decodeRow(g, r0);
  for (let r = r0; r < r1; r++) {
    const d0 = od * sD - pD;
    const h0 = oh * sH - pH;
    const w0 = ow * sW - pW;
    const wInside = w0 >= 0 && w0 + fW <= inW;
    let o = base + (r - r0) * rowStride;
    for (let kd = 0; kd < fD; kd++) {
      const id = d0 + kd;
      for (let kh = 0; kh < fH; kh++) {
        const ih = h0 + kh;
        if (id < 0 || id >= inD || ih < 0 || ih >= inH) {
          for (let i = 0; i < run; i++, o += colStride) cols[o] = 0;
          continue;
        }
        const rowBase = ((b * inD + id) * inH + ih) * inW;
        if (wInside) {
          const src = (rowBase + w0) * inC;
          if (colStride === 1) {
            for (let i = 0; i < run; i++) cols[o + i] = x[src + i] as number;
            o += run;
          } else {
            for (let i = 0; i < run; i++, o += colStride) cols[o] = x[src + i] as number;
          }
          continue;
        }
        for (let kw = 0; kw < fW; kw++) {
          const iw = w0 + kw;
          if (iw < 0 || iw >= inW) {
            for (let c = 0; c < inC; c++, o += colStride) cols[o] = 0;
          } else {
            const src = (rowBase + iw) * inC;
            for (let c = 0; c < inC; c++, o += colStride) cols[o] = x[src + c] as number;
          }
        }
      }
    }
    if (++ow === outW) {
      ow = 0;
      if (++oh === outH) {
        oh = 0;
        if (++od === outD) {
          od = 0;
          b++;
        }
      }
    }
  }
}

/** Adds row-major patch rows [r0, r1) (row stride K) of cols back onto dx: the adjoint of im2col. */
export function col2imAdd(cols: Float32Array, base: number, g: ConvGeometry, r0: number, r1: number, dx: Float32Array): void {
  const { inD, inH, inW, inC, outD, outH, outW, fD, fH, fW, sD, sH, sW, pD, pH, pW } = g;
  const run = fW * inC;
  const K = patchColumns(g);
  let [b, od, oh, ow] = decodeRow(g, r0);
  for (let r = r0; r < r1; r++) {
    const d0 = od * sD - pD;
    const h0 = oh * sH - pH;
    const w0 = ow * sW - pW;
    const wInside = w0 >= 0 && w0 + fW <= inW;
    let o = base + (r - r0) * K;
    for (let kd = 0; kd < fD; kd++) {
      const id = d0 + kd;
      for (let kh = 0; kh < fH; kh++, o += run) {
        const ih = h0 + kh;
        if (id < 0 || id >= inD || ih < 0 || ih >= inH) continue;
        const rowBase = ((b * inD + id) * inH + ih) * inW;
        if (wInside) {
          const dst = (rowBase + w0) * inC;
          for (let i = 0; i < run; i++) dx[dst + i] = (dx[dst + i] as number) + (cols[o + i] as number);
          continue;
        }
        for (let kw = 0; kw < fW; kw++) {
          const iw = w0 + kw;
          if (iw < 0 || iw >= inW) continue;
          const dst = (rowBase + iw) * inC;
          const oo = o + kw * inC;
          for (let c = 0; c < inC; c++) dx[dst + c] = (dx[dst + c] as number) + (cols[oo + c] as number);
        }
      }
    }
    if (++ow === outW) {
      ow = 0;
      if (++oh === outH) {
        oh = 0;
        if (++od === outD) {
          od = 0;
          b++;
        }
      }
    }
  }
}

/** Runs at least this long are copied with `copyWithin` (a memmove) rather than a loop. */
const MEMMOVE_MIN = 32;

/**
 * `im2col` for row-major patches when x itself is on the same heap (at float index
 * `xIndex`): contiguous runs are moved with `copyWithin` and padding cleared with
 * `fill`, which beats element loops once a run is a few dozen values long.
 */
export function im2colInHeap(heap: Float32Array, xIndex: number, g: ConvGeometry, r0: number, r1: number, base: number): void {
  const { inD, inH, inW, inC, outD, outH, outW, fD, fH, fW, sD, sH, sW, pD, pH, pW } = g;
  const run = fW * inC;
  const K = patchColumns(g);
  let [b, od, oh, ow] = decodeRow(g, r0);
  for (let r = r0; r < r1; r++) {
    const d0 = od * sD - pD;
    const h0 = oh * sH - pH;
    const w0 = ow * sW - pW;
    const wInside = w0 >= 0 && w0 + fW <= inW;
    let o = base + (r - r0) * K;
    for (let kd = 0; kd < fD; kd++) {
      const id = d0 + kd;
      for (let kh = 0; kh < fH; kh++, o += run) {
        const ih = h0 + kh;
        if (id < 0 || id >= inD || ih < 0 || ih >= inH) {
          heap.fill(0, o, o + run);
          continue;
        }
        const rowBase = xIndex + (((b * inD + id) * inH + ih) * inW) * inC;
        if (wInside) {
          const src = rowBase + w0 * inC;
          if (run >= MEMMOVE_MIN) heap.copyWithin(o, src, src + run);
          else for (let i = 0; i < run; i++) heap[o + i] = heap[src + i] as number;
          continue;
        }
        for (let kw = 0; kw < fW; kw++) {
          const iw = w0 + kw;
          const oo = o + kw * inC;
          if (iw < 0 || iw >= inW) {
            for (let c = 0; c < inC; c++) heap[oo + c] = 0;
          } else {
            const src = rowBase + iw * inC;
            for (let c = 0; c < inC; c++) heap[oo + c] = heap[src + c] as number;
          }
        }
      }
    }
    if (++ow === outW) {
      ow = 0;
      if (++oh === outH) {
        oh = 0;
        if (++od === outD) {
          od = 0;
          b++;
        }
      }
    }
  }
}
