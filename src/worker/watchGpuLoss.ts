/**
 * Watches the WebGPU device that TF.js trains on. A device is lost when the GPU process
 * crashes, the driver resets (Windows resets a GPU that runs one dispatch for more than
 * about 2 s) or the machine sleeps; TF.js does not notice, and every later step would
 * fail with an unrelated message or wait for ever. `onLost` is called once, with words
 * for the user.
 */
export interface DeviceLostInfo {
  readonly reason: string;
  readonly message: string;
}

/** the user's words for a lost device */
export function gpuLostMessage(info: DeviceLostInfo): string {
  const why = info.reason === 'destroyed' ? 'its device was closed' : 'the device was lost';
  return `the GPU stopped working (${why}${info.message ? `: ${info.message}` : ''})`;
}

/** Calls onLost when the backend's GPU device is lost; a backend without one is not watched. */
export function watchGpuLoss(backend: unknown, onLost: (message: string) => void): boolean {
  const device = (backend as { device?: { lost?: Promise<DeviceLostInfo> } } | null)?.device;
  if (!device?.lost) return false;
  void device.lost.then((info) => onLost(gpuLostMessage(info)));
  return true;
}
