/**
 * JPEG-LS (CharLS), JPEG 2000 (OpenJPEG) and JPEG baseline (libjpeg-turbo) through the
 * Cornerstone wasm builds. Each module loads once, on first use, and keeps one decoder.
 */
import { FedsegError } from '../../../core/util/errors.ts';
import { codecConfig } from './codecConfig.ts';
import { samplesFromBytes } from './frameInfo.ts';
import type { FrameCodec, FrameInfo, FrameSamples } from './frameInfo.ts';

interface WasmCodecSpec {
  readonly name: string;
  readonly load: () => Promise<{ default: WasmCodecFactory }>;
  readonly decoderClass: 'JpegLSDecoder' | 'J2KDecoder' | 'JPEGDecoder';
}

function wasmCodec(spec: WasmCodecSpec): FrameCodec {
  let decoder: Promise<{ module: WasmCodecModule; decoder: WasmFrameDecoder }> | undefined;
  const init = () => {
    decoder ??= spec.load().then(async (m) => {
      const factory = (m.default ?? m) as WasmCodecFactory;
      const locate = codecConfig().locateWasm;
      const quiet = { print: () => {}, printErr: () => {} };
      const module = await factory(locate ? { ...quiet, locateFile: (f) => (f.endsWith('.wasm') ? locate(f) : f) } : quiet);
      const Cls = module[spec.decoderClass];
      if (!Cls) throw new FedsegError('DICOM_CODEC', `${spec.name}: the wasm module has no ${spec.decoderClass}`);
      return { module, decoder: new Cls() };
    });
    decoder.catch(() => (decoder = undefined));
    return decoder;
  };
  return {
    name: spec.name,
    async decode(encoded: Uint8Array, info: FrameInfo): Promise<FrameSamples> {
      const { module, decoder: d } = await init();
      try {
        d.getEncodedBuffer(encoded.length).set(encoded);
        d.decode();
      } catch (err) {
        decoder = undefined; // an aborted wasm instance is not reused
        const why = typeof err === 'number' && module.getExceptionMessage ? module.getExceptionMessage(err) : String(err);
        throw new FedsegError('DICOM_DECODE', `${spec.name} could not decode the frame: ${why}`);
      }
      const fi = d.getFrameInfo();
      if (fi.width !== info.columns || fi.height !== info.rows || fi.componentCount !== info.samplesPerPixel) {
        throw new FedsegError(
          'DICOM_DECODE',
          `${spec.name}: expected a ${info.columns}x${info.rows} frame with ${info.samplesPerPixel} sample(s) per pixel, ` +
            `the compressed stream holds ${fi.width}x${fi.height} with ${fi.componentCount}`,
        );
      }
      const bytes = d.getDecodedBuffer().slice(); // copy out of the wasm heap
      return samplesFromBytes(bytes, fi.bitsPerSample > 8 ? 16 : 8, info.signed);
    },
  };
}

export const charlsCodec = wasmCodec({
  name: 'JPEG-LS decoder (CharLS wasm)',
  load: () => import('@cornerstonejs/codec-charls/decodewasmjs'),
  decoderClass: 'JpegLSDecoder',
});

export const openjpegCodec = wasmCodec({
  name: 'JPEG 2000 decoder (OpenJPEG wasm)',
  load: () => import('@cornerstonejs/codec-openjpeg/decodewasmjs'),
  decoderClass: 'J2KDecoder',
});

export const libjpegTurboCodec = wasmCodec({
  name: 'JPEG baseline decoder (libjpeg-turbo wasm)',
  load: () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'),
  decoderClass: 'JPEGDecoder',
});
