import { sphereCase } from '../core/train/sphereCase.ts';
import type { TrainingCase } from '../core/types/case.ts';
export function demoCases(count: number, size: number, _patchSize: number, seed: number): TrainingCase[] {
  return Array.from({ length: count }, (_, i) => sphereCase({ seed: seed * 1000 + i, dims: [size, size, size] }));
}
