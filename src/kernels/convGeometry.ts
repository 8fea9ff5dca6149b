/**
 * The geometry of a 3D convolution (NDHWC input, DHWIO filter): sizes, strides and
 * leading padding per axis, in the one shape every fast Conv3D kernel (WebGPU and CPU)
 * reads, made from tfjs's Conv3DInfo.
 */
/** Geometry of a forward convolution, as the uniforms of every conv GEMM program. */
export interface ConvGeometry {
  readonly batch: number;
  readonly inD: number; readonly inH: number; readonly inW: number; readonly inC: number;
  readonly outD: number; readonly outH: number; readonly outW: number; readonly outC: number;
  readonly fD: number; readonly fH: number; readonly fW: number;
  readonly sD: number; readonly sH: number; readonly sW: number;
  readonly pD: number; readonly pH: number; readonly pW: number;
}

export interface Conv3DInfoLike {
  batchSize: number;
  inDepth: number; inHeight: number; inWidth: number; inChannels: number;
  outDepth: number; outHeight: number; outWidth: number; outChannels: number;
  filterDepth: number; filterHeight: number; filterWidth: number;
  strideDepth: number; strideHeight: number; strideWidth: number;
  dilationDepth: number; dilationHeight: number; dilationWidth: number;
  padInfo: { front: number; top: number; left: number };
}

export function convGeometry(info: Conv3DInfoLike): ConvGeometry {
  return {
    batch: info.batchSize,
    inD: info.inDepth, inH: info.inHeight, inW: info.inWidth, inC: info.inChannels,
    outD: info.outDepth, outH: info.outHeight, outW: info.outWidth, outC: info.outChannels,
    fD: info.filterDepth, fH: info.filterHeight, fW: info.filterWidth,
    sD: info.strideDepth, sH: info.strideHeight, sW: info.strideWidth,
    pD: info.padInfo.front, pH: info.padInfo.top, pW: info.padInfo.left,
  };
}
