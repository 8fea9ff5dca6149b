/**
 * The core's selectBackend with one rule for training: tfjs-backend-wasm 4.22's own
 * Conv3D gradients are wrong, so wasm is used only once fedseg's Conv3D kernels
 * (src/kernels/wasm) are installed over them. When they cannot be installed (or are
 * switched off), wasm is refused with that reason and the next backend in the order
 * is tried. Platform-free: the kernel installer is passed in.
 */
import { type BackendChoice, type BackendHost, selectBackend } from '../core/model/selectBackend.ts';
import { FedsegError } from '../core/util/errors.ts';

export interface TrainingBackendChoice extends BackendChoice {
  /** kernels served by fedseg's fast Conv3D on wasm (empty on other backends) */
  readonly wasmKernels: readonly string[];
}

/** Installs fedseg's Conv3D kernels on wasm; resolves with the kernel names served. */
export type WasmKernelInstaller = () => Promise<readonly string[]>;

const WRONG_GRADIENTS = "tfjs-backend-wasm 4.22's own Conv3D gradients are wrong, so a model cannot train on wasm without them";

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Starts the first backend of `order` that works; wasm counts as working only once
 * `installWasmKernels` succeeded (undefined: fedseg's kernels are switched off, so
 * wasm is refused). Throws NO_BACKEND, naming every refusal, when none starts.
 */
export async function selectTrainingBackend(
  tf: BackendHost,
  order: readonly string[],
  installWasmKernels: WasmKernelInstaller | undefined,
): Promise<TrainingBackendChoice> {
  const refused: BackendChoice['refused'] = [];
  let rest = [...order];
  if (!installWasmKernels && rest.includes('wasm')) {
    refused.push({ name: 'wasm', reason: `fedseg's Conv3D kernels are switched off, and ${WRONG_GRADIENTS}` });
    rest = rest.filter((b) => b !== 'wasm');
  }
  const byOrder = (): BackendChoice['refused'] => [...refused].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  for (;;) {
    let choice: BackendChoice;
    try {
      if (!rest.length) throw new Error('no backend left to try');
      choice = await selectBackend(tf, rest);
    } catch (e) {
      if (!refused.length) throw e;
      const before = byOrder().map((r) => `${r.name} (${r.reason})`).join('; ');
      throw new FedsegError('NO_BACKEND', `no TensorFlow.js backend could start; refused ${before}; then ${messageOf(e)}`);
    }
    refused.push(...choice.refused);
    if (choice.backend !== 'wasm' || !installWasmKernels) return { backend: choice.backend, refused: byOrder(), wasmKernels: [] };
    try {
      const names = await installWasmKernels();
      if (!names.length) throw new Error('the installer reported no kernels installed');
      return { backend: 'wasm', refused: byOrder(), wasmKernels: [...names] };
    } catch (e) {
      refused.push({ name: 'wasm', reason: `fedseg's Conv3D kernels for wasm could not be installed (${messageOf(e)}), and ${WRONG_GRADIENTS}` });
      rest = rest.slice(rest.indexOf('wasm') + 1);
    }
  }
}
