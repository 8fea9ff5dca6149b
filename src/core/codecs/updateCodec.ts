/**
 * The update-codec registry (the plan's codec.name -> a factory taking codec.options).
 * The contract is in codecTypes.ts; each codec is one file.
 */
import type { WeightSpec } from '../protocol/weightSpec.ts';
import { lookup } from '../util/errors.ts';
import type { UpdateCodec } from './codecTypes.ts';
import { float16Codec } from './float16Codec.ts';
import { float32Codec } from './float32Codec.ts';
import { quantizedCodec } from './quantizedCodec.ts';
import { topKCodec } from './topKCodec.ts';

export type { CodecState, UpdateCodec } from './codecTypes.ts';

export const CODECS: Readonly<Record<string, (options?: unknown) => UpdateCodec>> = {
  float32: float32Codec,
  float16: float16Codec,
  int8: (options) => quantizedCodec(8, options),
  int4: (options) => quantizedCodec(4, options),
  topk: topKCodec,
};

/** The plan's codec: unknown name -> UNKNOWN_UPDATE_CODEC; bad options -> CODEC_OPTIONS_INVALID. */
export function codecFor(codec: { name: string; options?: unknown }): UpdateCodec {
  return lookup(CODECS, codec.name, 'update codec')(codec.options ?? {});
}

/**
 * The codec one site encodes with. A plan may fix the codec's random seed (`options.seed`,
 * stochastic rounding); every site reads the same plan, so the seed is mixed with the
 * site's id: sites draw independent rounding noise, whose errors then average out in the
 * mean instead of adding up, and each site's draws stay reproducible.
 */
export function codecForSite(codec: { name: string; options?: unknown }, siteId: string): UpdateCodec {
  const o = codec.options;
  if (o === null || typeof o !== 'object' || typeof (o as { seed?: unknown }).seed !== 'number') return codecFor(codec);
  return codecFor({ name: codec.name, options: { ...o, seed: siteSeed((o as { seed: number }).seed, siteId) } });
}

/** `seed` mixed with `siteId` (FNV-1a over its UTF-16 code units), an unsigned 32-bit integer. */
function siteSeed(seed: number, siteId: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < siteId.length; i++) h = Math.imul(h ^ siteId.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Payload bytes of `codec` for this spec (exact for non-deflated codecs; see UpdateCodec). */
export function expectedPayloadBytes(codec: UpdateCodec, spec: WeightSpec): number {
  return codec.expectedPayloadBytes(spec);
}
