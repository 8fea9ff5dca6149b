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

/** Payload bytes of `codec` for this spec (exact for non-deflated codecs; see UpdateCodec). */
export function expectedPayloadBytes(codec: UpdateCodec, spec: WeightSpec): number {
  return codec.expectedPayloadBytes(spec);
}
