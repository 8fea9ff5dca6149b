/**
 * Gaussian noise for differential privacy. The default source is the platform's CSPRNG
 * (WebCrypto getRandomValues, 53-bit uniforms); a seeded source (Rng) exists for tests and
 * reproducible simulations only: noise an attacker can predict protects nothing.
 */
import { Rng } from '../util/rng.ts';
import { webCrypto } from '../util/webCrypto.ts';

export type UniformSource = () => number;

/** Uniforms in (0, 1) from getRandomValues, drawn 8 KiB at a time. */
export function cryptoUniform(): UniformSource {
  const words = new Uint32Array(2048);
  let i = words.length;
  return () => {
    for (;;) {
      if (i >= words.length) {
        webCrypto().getRandomValues(words);
        i = 0;
      }
      const hi = words[i++]! >>> 5; // 27 bits
      const lo = words[i++]! >>> 6; // 26 bits
      const u = (hi * 67108864 + lo) / 9007199254740992;
      if (u > 0) return u;
    }
  };
}

export function seededUniform(seed: number): UniformSource {
  const rng = new Rng(seed);
  return () => {
    let u = 0;
    while (u === 0) u = rng.next();
    return u;
  };
}

/** Add N(0, std^2) to every element in place (Box-Muller, both outputs used). */
export function addGaussianNoise(values: Float64Array, std: number, uniform: UniformSource): void {
  for (let k = 0; k < values.length; k += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const th = 2 * Math.PI * uniform();
    values[k]! += std * r * Math.cos(th);
    if (k + 1 < values.length) values[k + 1]! += std * r * Math.sin(th);
  }
}
