/**
 * Watches the WebGPU device that TF.js trains on, which TF.js itself does not:
 * - a device is lost when the GPU process crashes, the driver resets (Windows resets a
 *   GPU that runs one dispatch for more than about 2 s) or the machine sleeps; every later
 *   step would fail with an unrelated message or wait for ever;
 * - a GPU error (out of memory, a validation error, an internal error) leaves the results
 *   of the work it hit undefined (often zeros): an update trained through it must not be
 *   sent.
 * WebGPU reports errors asynchronously. The watch keeps one error scope of each kind open
 * on the device and swaps it for a fresh one at each check, so `settled()` is exact: once
 * it resolves, every command issued before the call has been checked, and a fault found
 * has been told. The device is also checked every `checkEveryMs` (a demo is stopped
 * within that time), and errors raised outside the scopes are heard too.
 * `onFault` is called once, for the first fault, with words for the user.
 */
export interface DeviceLostInfo {
  readonly reason: string;
  readonly message: string;
}

/** a GPUError as the watch reads it */
interface GpuErrorLike {
  readonly message?: string;
  readonly constructor?: { readonly name?: string };
}

/** the parts of a GPUDevice watched (typed structurally: no DOM types in the Worker's API) */
export interface WatchedDevice {
  readonly lost?: Promise<DeviceLostInfo>;
  addEventListener?(type: 'uncapturederror', listener: (ev: { readonly error?: GpuErrorLike }) => void): void;
  pushErrorScope?(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope?(): Promise<GpuErrorLike | null>;
}

/** A watched device: `settled()` resolves once everything issued before it was checked (see above). */
export interface GpuFaultWatch {
  settled(): Promise<void>;
  /** stops the periodic check (the scopes stay open) */
  close(): void;
}

/** every kind of GPUError: a scope of each is kept open */
const FILTERS = ['validation', 'out-of-memory', 'internal'] as const;

/** the user's words for a lost device */
export function gpuLostMessage(info: DeviceLostInfo): string {
  const why = info.reason === 'destroyed' ? 'its device was closed' : 'the device was lost';
  return `the GPU stopped working (${why}${info.message ? `: ${info.message}` : ''})`;
}

/** the user's words for a GPU error, by its class (GPUOutOfMemoryError, GPUValidationError, GPUInternalError) */
export function gpuErrorMessage(kind: string, message: string): string {
  const detail = message ? `: ${message}` : '';
  if (kind === 'GPUOutOfMemoryError') return `the GPU ran out of memory${detail}; close other programs that use the GPU, or take part from a machine with more GPU memory`;
  return `the GPU reported an error (${kind || 'GPUError'}${detail}), so its results cannot be trusted`;
}

const errorMessage = (error: GpuErrorLike): string => gpuErrorMessage(error.constructor?.name ?? '', error.message ?? '');

/** Calls onFault once, when the backend's GPU device is lost or reports an error; undefined for a backend without a device (wasm, cpu). */
export function watchGpuFaults(backend: unknown, onFault: (message: string) => void, opts: { checkEveryMs?: number } = {}): GpuFaultWatch | undefined {
  const device = (backend as { device?: WatchedDevice } | null)?.device;
  if (!device?.lost) return undefined;
  let told = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const tell = (message: string): void => {
    if (told) return;
    told = true;
    clearInterval(timer);
    onFault(message);
  };
  void device.lost.then((info) => tell(gpuLostMessage(info)));
  device.addEventListener?.('uncapturederror', (ev) => tell(errorMessage(ev.error ?? {})));
  const { pushErrorScope, popErrorScope } = device;
  if (!pushErrorScope || !popErrorScope) {
    // no scopes: a fault is heard only through the events, given time to arrive
    return { settled: faultGrace, close: () => undefined };
  }
  for (const filter of FILTERS) pushErrorScope.call(device, filter);
  let checked: Promise<unknown> = Promise.resolve();
  const settled = (): Promise<void> => {
    // swapped in one turn: every command before this call is in the popped scopes, every later one in the new
    const popped = FILTERS.map(() => popErrorScope.call(device));
    for (const filter of FILTERS) pushErrorScope.call(device, filter);
    const found = popped.map((p) => p.then(
      (error) => (error ? tell(errorMessage(error)) : undefined),
      // the scopes were taken by someone else: nothing can be said of the results
      (e: unknown) => tell(`the GPU's errors could not be checked (${e instanceof Error ? e.message : String(e)}), so its results cannot be trusted`),
    ));
    // resolves after the earlier checks too: their scopes held the commands before them
    checked = Promise.all([checked, ...found]);
    return checked.then(() => undefined);
  };
  timer = setInterval(() => void settled(), opts.checkEveryMs ?? 1000);
  return { settled, close: () => clearInterval(timer) };
}

/** time for a GPU fault to be reported (the lost promise, the error event) after a failed read */
export const faultGrace = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));
