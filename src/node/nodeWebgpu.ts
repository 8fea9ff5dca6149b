/**
 * WebGPU for Node through Dawn (the `webgpu` package). On a machine without a GPU,
 * Chromium's SwiftShader Vulkan driver serves as the adapter: exact but slow, for
 * correctness only. The Vulkan loader is found through LD_LIBRARY_PATH, which the
 * dynamic linker reads only at process start: `webgpuChildEnv()` gives the environment
 * a child process needs (Vitest's forks and `fedseg bench` use it).
 */
import { existsSync } from 'node:fs';

const CHROMIUM_LIB = '/usr/lib/chromium';
const SWIFTSHADER_ICD = `${CHROMIUM_LIB}/vk_swiftshader_icd.json`;

/** Environment additions that let Dawn find a Vulkan driver (SwiftShader when no GPU ICD is set). */
export function webgpuChildEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  if (existsSync(`${CHROMIUM_LIB}/libvulkan.so.1`)) {
    const ld = env.LD_LIBRARY_PATH ?? '';
    if (!ld.split(':').includes(CHROMIUM_LIB)) out.LD_LIBRARY_PATH = ld ? `${ld}:${CHROMIUM_LIB}` : CHROMIUM_LIB;
  }
  if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD)) {
    out.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  return out;
}

export interface NodeWebgpuResult {
  readonly ok: boolean;
  /** adapter description (vendor, architecture) when ok; the reason otherwise */
  readonly detail: string;
}

/**
 * Installs `navigator.gpu` (and the WebGPU globals) from Dawn so that
 * @tensorflow/tfjs-backend-webgpu can run in Node. Resolves with why it failed
 * rather than throwing.
 */
export async function installNodeWebgpu(): Promise<NodeWebgpuResult> {
  let mod: typeof import('webgpu');
  try {
    mod = await import('webgpu');
  } catch (err) {
    return { ok: false, detail: `the webgpu package (Dawn) is not installed: ${String(err)}` };
  }
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    return {
      ok: false,
      detail: 'Dawn found no WebGPU adapter (no Vulkan driver; run with LD_LIBRARY_PATH/VK_ICD_FILENAMES from webgpuChildEnv())',
    };
  }
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: 'node' }, configurable: true });
  const info = adapter.info;
  return { ok: true, detail: `${info.vendor || 'unknown vendor'} ${info.architecture || ''} ${info.description || ''}`.trim() };
}
