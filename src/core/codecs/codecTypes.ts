/**
 * The update-codec contract. A codec turns an update (delta WeightSet) into a payload and
 * back, given the model's spec (names and shapes travel in the plan, not in the payload).
 *
 * Error bound: `maxRelativeError` holds for every update, measured as `errorMetric` says:
 * - 'maxabs': max_i |x_i - decoded_i| / max_i |x_i|   (over the whole update)
 * - 'l2':     ||x - decoded||_2 / ||x||_2
 * Stateful codecs (top-k, int4: error feedback) take and return an explicit CodecState that
 * the SITE keeps between rounds; the coordinator never needs it to decode.
 */
import type { WeightSet } from '../types/weights.ts';
import type { WeightSpec } from '../protocol/weightSpec.ts';

/** What a site keeps between rounds for a stateful codec (the error-feedback residual). */
export interface CodecState {
  readonly residual: WeightSet;
}

export interface UpdateCodec {
  readonly name: string;
  /** the validated options this instance runs with */
  readonly options: Readonly<Record<string, unknown>>;
  readonly maxRelativeError: number;
  readonly errorMetric: 'maxabs' | 'l2';
  /** Encode without carrying state (a stateful codec then starts from no residual). */
  encode(update: WeightSet, state?: CodecState | null): Uint8Array;
  /** Encode and return the state to keep for the next round (null for stateless codecs). */
  encodeWithState(update: WeightSet, state: CodecState | null): { bytes: Uint8Array; state: CodecState | null };
  /** Decode and validate against the spec: UPDATE_MALFORMED, UPDATE_SHAPE, UPDATE_NONFINITE. */
  decode(bytes: Uint8Array, spec: WeightSpec): WeightSet;
  /**
   * Payload size for this spec, in bytes. Exact for codecs that do not deflate (float32,
   * float16); for deflated codecs (int8, int4, topk) the size BEFORE deflate, an upper bound of the
   * sent size up to deflate's few bytes of overhead on incompressible data.
   */
  expectedPayloadBytes(spec: WeightSpec): number;
  /** true when the payload is deflated (its size on the wire varies with the data) */
  readonly deflated: boolean;
}
