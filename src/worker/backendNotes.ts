/**
 * What each tfjs backend means for a site, in words the page shows next to the
 * backend actually in use. Speeds are orders of magnitude for a 3D U-Net step, not
 * promises: they depend on the machine.
 */
/**
 * The order the Worker tries backends in. wasm is used only with fedseg's Conv3D kernels
 * installed (chooseBackend.ts): in tfjs 4.22 its own Conv3D input and filter gradients
 * are wrong, so a model would not learn there; with the kernels a step is about 20x the
 * plain-JavaScript cpu backend (docs/performance.md), which stays the last resort.
 */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

export const BACKEND_MEANING: Readonly<Record<string, string>> = {
  webgpu:
    'WebGPU: training runs on this computer\'s graphics card. This is the fast path. ' +
    '(In a browser without a GPU, WebGPU may run on a software rasteriser and be slow.)',
  webgl:
    'WebGL: training runs on the graphics card through the older WebGL interface. ' +
    'Expect it to be several times slower than WebGPU for 3D convolutions.',
  wasm:
    'WebAssembly: training runs on the processor (CPU) with SIMD, its 3D convolutions on ' +
    'fedseg\'s own kernels (4 to 20 times faster than plain JavaScript, more for larger models). ' +
    'Expect a step to take ten or more times longer than on a GPU; the tiny model is quick, ' +
    'larger ones are slow.',
  cpu:
    'Plain JavaScript on the processor: the slowest fallback, roughly 1 GFLOP/s. ' +
    'Only the tiny model is practical; ask your IT department to enable WebGPU.',
};

/** What a WebGPU adapter says of itself (GPUAdapterInfo), as far as telling a software renderer goes. */
export interface AdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}

/** A WebGPU adapter that renders on the processor (SwiftShader, a fallback adapter): no graphics card trains. */
export function isSoftwareAdapter(info: AdapterInfoLike | undefined): boolean {
  if (!info) return false;
  if (info.isFallbackAdapter === true) return true;
  return [info.architecture, info.description, info.vendor].some((x) => typeof x === 'string' && /swiftshader|llvmpipe|software/i.test(x));
}

const SOFTWARE_WEBGPU =
  'WebGPU on a software renderer (no graphics card is in use: the browser emulates one on the processor), so training is slow, ' +
  'slower than WebAssembly would be for larger models. A workstation whose graphics card the browser can use trains many times faster; ' +
  'ask your IT department whether its driver is blocked.';

/** The explanation for a backend name (`software`: WebGPU on a software adapter); unknown names get a generic sentence. */
export function backendMeaning(name: string, software = false): string {
  if (name === 'webgpu' && software) return SOFTWARE_WEBGPU;
  return BACKEND_MEANING[name] ?? `Backend "${name}": no notes on its speed.`;
}
