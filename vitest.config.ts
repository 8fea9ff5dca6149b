import { defineConfig } from 'vitest/config';
import { webgpuChildEnv } from './src/node/nodeWebgpu.ts';

// Test workers are forked processes: giving them the Vulkan loader's path here lets
// the WebGPU tests run Dawn on SwiftShader.
Object.assign(process.env, webgpuChildEnv());

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // two cores: tfjs tests are CPU-bound, more workers only thrash
    maxWorkers: 2,
  },
});
