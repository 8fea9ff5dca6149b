/**
 * IEEE 754 binary16 conversion (round to nearest even), for the float16 codec and the
 * images of prepared cases (TrainingCase).
 * Relative error of a normal half is at most 2^-11; values beyond 65504 become infinite.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function toHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf / nan
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow -> 0
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && (half & 1)) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // carrying into the exponent is correct (rounds up to the next binade or to inf)
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? 1 : 0));
}

export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

let values: Float32Array | undefined;

/** The value of every half, by its bits (256 kB, made once): in inner loops a lookup is cheaper than fromHalf. */
export function halfValues(): Float32Array {
  if (!values) {
    values = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) values[h] = fromHalf(h);
  }
  return values;
}

/** Halves (their bits) as float32 values. */
export function halvesToFloat32(halves: Uint16Array): Float32Array {
  const v = halfValues();
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) out[i] = v[halves[i]!]!;
  return out;
}

/** Values as halves (their bits), rounded to nearest even. */
export function float32ToHalves(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toHalf(values[i]!);
  return out;
}
