/** Dice similarity coefficient of two binary masks: 2|A∩B| / (|A| + |B|); 1 when both are empty (BraTS). */
export function dice(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let sa = 0;
  let sb = 0;
  for (let p = 0; p < a.length; p++) {
    const x = a[p] ? 1 : 0;
    const y = b[p] ? 1 : 0;
    sa += x;
    sb += y;
    inter += x & y;
  }
  return sa + sb === 0 ? 1 : (2 * inter) / (sa + sb);
}
