/**
 * Window starts along one axis for sliding-window inference: windows of `size` with the
 * given overlap fraction, the last one flush with the end; one window (at 0, padded)
 * when the axis is shorter than a window.
 */
export function windowStarts(length: number, size: number, overlap: number): number[] {
  if (length <= size) return [0];
  const step = Math.max(1, Math.round(size * (1 - overlap)));
  const starts: number[] = [];
  for (let s = 0; s + size < length; s += step) starts.push(s);
  starts.push(length - size);
  return starts;
}

/**
 * Blending weights of one cubic window [d, h, w] (x fastest): a Gaussian centred on the
 * window with sigma = size / 8 (as nnU-Net), floored so that border voxels still count;
 * or 'linear': a tent falling to 1/size at the borders.
 */
export function windowWeights(size: number, mode: 'gaussian' | 'linear' = 'gaussian'): Float32Array {
  const axis = new Float32Array(size);
  const c = (size - 1) / 2;
  const sigma = size / 8;
  for (let i = 0; i < size; i++) {
    axis[i] = mode === 'gaussian' ? Math.exp(-((i - c) ** 2) / (2 * sigma * sigma)) : 1 - Math.abs(i - c) / (c + 1);
  }
  const w = new Float32Array(size * size * size);
  let max = 0;
  for (let z = 0, o = 0; z < size; z++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++, o++) {
        const v = (axis[z] as number) * (axis[y] as number) * (axis[x] as number);
        w[o] = v;
        if (v > max) max = v;
      }
  const floor = 1e-3 * max;
  for (let i = 0; i < w.length; i++) w[i] = Math.max(floor, (w[i] as number) / max);
  return w;
}
