/**
 * tfjs's 'webgpu' backend on a device that also has the optional features the
 * adapter offers ('subgroups', 'shader-f16'). tfjs-backend-webgpu 4.22 creates its
 * device asking only for 'timestamp-query' and 'bgra8unorm-storage'; this registers a
 * factory in place of tfjs's own (same name, same priority) that asks for those, the
 * same limits tfjs asks for, and the optional features, then builds tfjs's own
 * `WebGPUBackend` on that device. Any failure falls back to tfjs's factory, with the
 * reason in `webgpuFeatureReport()`.
 *
 *   registerWebgpuBackendWithFeatures(tf);   // before tf.setBackend('webgpu')
 *   await tf.setBackend('webgpu');
 *   webgpuFeatureReport();                   // { withFeatures: true, granted: ['subgroups'], ... }
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { enableSubgroupShaders } from './subgroupSupport.ts';

type Tf = typeof tfc;
type BackendFactory = () => tfc.KernelBackend | Promise<tfc.KernelBackend>;
interface FactoryEntry {
  readonly factory: BackendFactory;
  readonly priority: number;
}

export const WEBGPU_OPTIONAL_FEATURES: readonly string[] = ['subgroups', 'shader-f16'];
/** What tfjs-backend-webgpu 4.22 asks for where the adapter has it. */
const TFJS_FEATURES: readonly string[] = ['timestamp-query', 'bgra8unorm-storage'];
/** tfjs's priority for 'webgpu', used when its factory is not registered. */
const TFJS_WEBGPU_PRIORITY = 3;

export interface WebgpuFeatureOptions {
  /** optional features to ask for where the adapter offers them (default: subgroups, shader-f16) */
  readonly features?: readonly string[];
  /** where adapters come from (default: navigator.gpu) */
  readonly gpu?: Pick<GPU, 'requestAdapter'>;
}

export interface WebgpuFeatureReport {
  /** true when the backend runs on the device this module created */
  readonly withFeatures: boolean;
  /** optional features asked for and now on the device */
  readonly granted: readonly string[];
  /** optional features asked for that the adapter does not offer */
  readonly missing: readonly string[];
  /** why tfjs's own factory served instead (only when withFeatures is false) */
  readonly reason?: string;
}

export type WebgpuFeatureRegistration = { readonly registered: true } | { readonly registered: false; readonly reason: string };

/** tfjs's own factory, kept while ours is registered; null when there was none. */
let stock: FactoryEntry | null | undefined;
let lastReport: WebgpuFeatureReport | undefined;

/** What the last initialisation of the 'webgpu' backend through this module got (undefined before one). */
export function webgpuFeatureReport(): WebgpuFeatureReport | undefined {
  return lastReport;
}

/**
 * Replaces the 'webgpu' backend factory with one whose device has the optional
 * features. Call before the webgpu backend is first used: an initialised backend is
 * not replaced (its tensors would be lost) and the call says so.
 */
export function registerWebgpuBackendWithFeatures(tf: Tf, options: WebgpuFeatureOptions = {}): WebgpuFeatureRegistration {
  const gpu = options.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) return { registered: false, reason: 'no WebGPU here: navigator.gpu is undefined and no options.gpu was given' };
  const engine = tf.engine();
  if ('webgpu' in engine.registry) {
    return { registered: false, reason: "the webgpu backend is already initialised; call before tf.setBackend('webgpu') or after restoreStockWebgpuBackend(tf)" };
  }
  const features = options.features ?? WEBGPU_OPTIONAL_FEATURES;
  if (stock === undefined) stock = engine.registryFactory['webgpu'] ?? null;
  const fallback = stock;
  if ('webgpu' in engine.registryFactory) tf.removeBackend('webgpu');
  const factory = async (): Promise<tfc.KernelBackend> => {
    try {
      const made = await createBackend(tf, gpu, features);
      lastReport = made.report;
      return made.backend;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      lastReport = { withFeatures: false, granted: [], missing: [], reason };
      if (!fallback) throw new Error(`webgpu device with optional features failed (${reason}) and tfjs's own webgpu factory is not registered`);
      return fallback.factory();
    }
  };
  tf.registerBackend('webgpu', factory, fallback?.priority ?? TFJS_WEBGPU_PRIORITY);
  return { registered: true };
}

/** Puts tfjs's own 'webgpu' factory back (disposing a backend made by ours). */
export function restoreStockWebgpuBackend(tf: Tf): void {
  if (stock === undefined) return;
  if ('webgpu' in tf.engine().registryFactory) tf.removeBackend('webgpu');
  if (stock) tf.registerBackend('webgpu', stock.factory, stock.priority);
  stock = undefined;
}

async function createBackend(
  tf: Tf, gpu: Pick<GPU, 'requestAdapter'>, optional: readonly string[],
): Promise<{ backend: tfc.KernelBackend; report: WebgpuFeatureReport }> {
  const powerPreference = tf.env().get('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance';
  const adapter = await gpu.requestAdapter({ powerPreference });
  if (!adapter) throw new Error('requestAdapter() found no WebGPU adapter');
  const offered = (f: string): boolean => adapter.features.has(f);
  const requiredFeatures = [...new Set([...TFJS_FEATURES, ...optional])].filter(offered);
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    // GPUFeatureName in TypeScript's DOM library does not list 'subgroups' yet
    requiredFeatures: requiredFeatures as GPUFeatureName[],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  });
  if (device.features.has('subgroups')) enableSubgroupShaders(device, adapter.info);
  // imported here, not at the top: importing it registers tfjs's factory, which only
  // happens where navigator.gpu exists by then
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  const backend = new WebGPUBackend(device, adapter.info);
  return {
    backend,
    report: {
      withFeatures: true,
      granted: optional.filter((f) => device.features.has(f)),
      missing: optional.filter((f) => !offered(f)),
    },
  };
}
