/**
 * A tiny options store for the wasm codecs (Cornerstone's init pattern). In Node the
 * Emscripten loaders find their .wasm beside their .js by themselves; a bundled page
 * must say where the files are: see browserCodecConfig.ts (Vite `?url` imports).
 */
export interface CodecConfig {
  /** maps a wasm file name (e.g. "charlswasm_decode.wasm") to the URL or path to load it from */
  locateWasm?: (fileName: string) => string;
}

let current: CodecConfig = {};

export function configureDicomCodecs(config: CodecConfig): void {
  current = { ...current, ...config };
}

export function codecConfig(): CodecConfig {
  return current;
}
