// Minimal types for the Emscripten decoder factories of the Cornerstone codec packages.
interface EmscriptenCodecOptions {
  locateFile?: (file: string, scriptDirectory: string) => string;
  wasmBinary?: ArrayBuffer | Uint8Array;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}
interface WasmFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}
interface WasmFrameDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): WasmFrameInfo;
}
interface WasmCodecModule {
  JpegLSDecoder?: new () => WasmFrameDecoder;
  J2KDecoder?: new () => WasmFrameDecoder;
  JPEGDecoder?: new () => WasmFrameDecoder;
  getExceptionMessage?: (e: number) => string;
}
type WasmCodecFactory = (options?: EmscriptenCodecOptions) => Promise<WasmCodecModule>;

declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: WasmCodecFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: WasmCodecFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: WasmCodecFactory;
  export default factory;
}
