/**
 * An output file named on the command line, checked before the long work that makes it:
 * its folder is created when missing, and must be writable, so that hours of training or
 * simulation are not lost at the last step.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FedsegError } from '../core/util/errors.ts';

/** Returns `path`; OUTPUT_UNWRITABLE naming the option when its folder cannot be made or written. */
export function outputPath(path: string, option: string): string {
  const folder = dirname(resolve(path));
  try {
    mkdirSync(folder, { recursive: true });
    accessSync(folder, constants.W_OK);
  } catch (e) {
    throw new FedsegError('OUTPUT_UNWRITABLE', `${option} ${path}: expected a folder this user can write to, found ${folder} cannot be ${(e as { code?: string }).code === 'EACCES' ? 'written' : 'made'} (${e instanceof Error ? e.message : String(e)})`);
  }
  return path;
}
