/**
 * UTF-8 text <-> bytes for the platform-free core (browsers, workers and Node all have
 * TextEncoder/TextDecoder; src/core is type-checked without their declarations).
 */
interface TextCodecs {
  TextEncoder: new () => { encode(s: string): Uint8Array };
  TextDecoder: new (label?: string, options?: { fatal?: boolean }) => { decode(b: Uint8Array): string };
}
const codecs = globalThis as unknown as TextCodecs;
const encoder = new codecs.TextEncoder();
const decoder = new codecs.TextDecoder('utf-8', { fatal: true });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Strict: invalid UTF-8 throws (a TypeError from the platform). */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
