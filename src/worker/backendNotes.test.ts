import { describe, expect, it } from 'vitest';
import { backendMeaning, isSoftwareAdapter } from './backendNotes.ts';

describe('backendNotes', () => {
  it('tells a software WebGPU adapter (SwiftShader, a fallback adapter) from a graphics card', () => {
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader', description: '' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100' })).toBe(false);
    expect(isSoftwareAdapter(undefined)).toBe(false);
  });

  it('does not promise a graphics card when WebGPU renders in software', () => {
    expect(backendMeaning('webgpu')).toMatch(/graphics card\. This is the fast path/);
    expect(backendMeaning('webgpu', true)).toMatch(/^WebGPU on a software renderer \(no graphics card is in use/);
    expect(backendMeaning('wasm', true)).toBe(backendMeaning('wasm'));
  });
});
