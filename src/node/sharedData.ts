/**
 * Where the real test data lives: ../shared/data beside the repository (a real BraTS
 * case, the ami DICOM/NIfTI slice). FEDSEG_SHARED_DATA overrides it.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Path of a file under the shared data folder, e.g. sharedData('brats', 'x.nii.gz'). */
export function sharedData(...parts: string[]): string {
  const root = process.env.FEDSEG_SHARED_DATA ?? resolve(REPO_ROOT, '../shared/data');
  if (!existsSync(root)) {
    throw new Error(`the shared test data folder ${root} is missing: expected ../shared/data beside the repository (or set FEDSEG_SHARED_DATA)`);
  }
  return join(root, ...parts);
}
