/**
 * For bundled pages (Vite): tells the wasm codecs where Vite put their .wasm files.
 * Call `configureBrowserCodecs()` once in the Worker that reads DICOM, before the first
 * read. Node needs nothing: the Emscripten loaders find their .wasm beside their .js.
 */
import charlsWasm from '@cornerstonejs/codec-charls/decodewasm?url';
import openjpegWasm from '@cornerstonejs/codec-openjpeg/decodewasm?url';
import libjpegTurboWasm from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url';
import { configureDicomCodecs } from './codecConfig.ts';

const WASM_URLS: Readonly<Record<string, string>> = {
  'charlswasm_decode.wasm': charlsWasm,
  'openjpegwasm_decode.wasm': openjpegWasm,
  'libjpegturbowasm_decode.wasm': libjpegTurboWasm,
};

export function configureBrowserCodecs(): void {
  configureDicomCodecs({ locateWasm: (fileName) => WASM_URLS[fileName] ?? fileName });
}
