/**
 * Watches the WebGPU device that TF.js trains on, which TF.js itself does not:
 * - a device is lost when the GPU process crashes, the driver resets (Windows resets a
 *   GPU that runs one dispatch for more than about 2 s) or the machine sleeps; every later
 *   step would fail with an unrelated message or wait for ever;
 * - an error no error scope caught (out of memory, a validation error) leaves the results
 *   of the work it hit undefined (often zeros): an update trained through it must not be
 *   sent.
 * `onFault` is called once, for the first of them, with words for the user.
 */
export interface DeviceLostInfo {
  readonly reason: string;
  readonly message: string;
}

/** the parts of a GPUDevice watched (typed structurally: no DOM types in the Worker's API) */
interface WatchedDevice {
  readonly lost?: Promise<DeviceLostInfo>;
  addEventListener?(type: 'uncapturederror', listener: (ev: { readonly error?: { readonly message?: string; readonly constructor?: { readonly name?: string } } }) => void): void;
}

/** the user's words for a lost device */
export function gpuLostMessage(info: DeviceLostInfo): string {
  const why = info.reason === 'destroyed' ? 'its device was closed' : 'the device was lost';
  return `the GPU stopped working (${why}${info.message ? `: ${info.message}` : ''})`;
}

/** the user's words for an uncaptured GPU error, by its class (GPUOutOfMemoryError, GPUValidationError, GPUInternalError) */
export function gpuErrorMessage(kind: string, message: string): string {
  const detail = message ? `: ${message}` : '';
  if (kind === 'GPUOutOfMemoryError') return `the GPU ran out of memory${detail}; close other programs that use the GPU, or take part from a machine with more GPU memory`;
  return `the GPU reported an error (${kind || 'GPUError'}${detail}), so its results cannot be trusted`;
}

/** Calls onFault once, when the backend's GPU device is lost or reports an uncaptured error; false for a backend without a device. */
export function watchGpuFaults(backend: unknown, onFault: (message: string) => void): boolean {
  const device = (backend as { device?: WatchedDevice } | null)?.device;
  if (!device?.lost) return false;
  let told = false;
  const tell = (message: string): void => {
    if (told) return;
    told = true;
    onFault(message);
  };
  void device.lost.then((info) => tell(gpuLostMessage(info)));
  device.addEventListener?.('uncapturederror', (ev) => tell(gpuErrorMessage(ev.error?.constructor?.name ?? '', ev.error?.message ?? '')));
  return true;
}

/** time for a GPU fault to be reported (the lost promise, the error event) after a failed or suspect result */
export const faultGrace = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));
