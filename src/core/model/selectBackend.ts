/**
 * Backend choice, platform-free: tries each backend in order (webgpu, webgl, wasm, cpu by
 * default) and reports the one actually in use and why the others were refused.
 * `setBackend` resolves false on failure while `getBackend()` may still name the failed
 * backend, so both are checked.
 */
import { FedsegError } from '../util/errors.ts';

/** The part of the tf namespace this needs (pass `tf` itself). */
export interface BackendHost {
  setBackend(name: string): Promise<boolean>;
  getBackend(): string;
  findBackendFactory(name: string): unknown;
}

export interface BackendChoice {
  backend: string;
  refused: { name: string; reason: string }[];
}

export const DEFAULT_BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

export async function selectBackend(tf: BackendHost, order: readonly string[] = DEFAULT_BACKEND_ORDER): Promise<BackendChoice> {
  const refused: BackendChoice['refused'] = [];
  for (const name of order) {
    if (!tf.findBackendFactory(name)) {
      refused.push({ name, reason: 'not registered (not loaded, or not supported by this platform)' });
      continue;
    }
    let ok = false;
    let error = '';
    try {
      ok = await tf.setBackend(name);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    if (ok && tf.getBackend() === name) return { backend: name, refused };
    refused.push({ name, reason: error ? `failed to initialise: ${error}` : 'failed to initialise (setBackend resolved false)' });
  }
  throw new FedsegError(
    'NO_BACKEND',
    `no TensorFlow.js backend could start; tried ${refused.map((r) => `${r.name} (${r.reason})`).join('; ')}`,
  );
}
