/**
 * `fedseg convert <dicom-folder...> --out case.nii.gz`: DICOM series to NIfTI. One
 * series goes to the --out file; several go into the --out folder, one file each.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { outputPath } from '../outputPath.ts';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Volume, VoxelArray } from '../../core/types/volume.ts';
import { readDicomSeries } from '../../io/dicom/readDicomSeries.ts';
import type { DicomSeries } from '../../io/dicom/dicomSeries.ts';
import { writeNifti } from '../../io/nifti/writeNifti.ts';
import type { Command } from '../command.ts';
import { readFolder } from '../readFolder.ts';

const usage = `fedseg convert <dicom-folder or files...> --out OUT

Reads the DICOM series in the given folders/files (slices ordered by position, checked
for gaps) and writes each as NIfTI with its RAS affine:
  one series       -> OUT is the file to write (.nii or .nii.gz)
  several series   -> OUT is a folder; one <number>_<description>.nii.gz per series
Values are written as int16 when they are all integers that fit, else float32.

Options:
  --out OUT   output file or folder (required)`;

/** int16 when every value is an integer in range (smaller files), else the float32 volume. */
export function compactVolume(v: Volume<Float32Array>): Volume<VoxelArray> {
  const d = v.data;
  for (let i = 0; i < d.length; i++) {
    const x = d[i]!;
    if (x !== Math.round(x) || x < -32768 || x > 32767) return v;
  }
  return { ...v, data: Int16Array.from(d) };
}

export function seriesFileName(s: DicomSeries, index: number): string {
  const what = (s.description || s.protocolName || 'series').replace(/[^A-Za-z0-9+.-]+/g, '_').replace(/^_+|_+$/g, '');
  return `${String(s.seriesNumber ?? index + 1).padStart(3, '0')}_${what || 'series'}.nii.gz`;
}

export const convertCommand: Command = {
  summary: 'convert DICOM series to NIfTI (.nii.gz) with the RAS affine',
  usage,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, options: { out: { type: 'string' } }, allowPositionals: true, strict: true });
    if (positionals.length === 0 || !values.out) {
      console.error(`fedseg convert: expected DICOM folders/files and --out\n\n${usage}`);
      return 2;
    }
    const read = readFolder(positionals);
    const { series, problems } = await readDicomSeries(read.files);
    for (const p of [...read.problems, ...problems]) console.error(`  skipped ${p.file}: ${p.message} [${p.code}]`);
    if (series.length === 0) {
      console.error('fedseg convert: no usable DICOM series found');
      return 1;
    }
    const out = values.out;
    const single = series.length === 1 && /\.nii(\.gz)?$/i.test(out);
    if (!single && /\.nii(\.gz)?$/i.test(out)) {
      console.error(`fedseg convert: found ${series.length} series; --out must be a folder, found the file name ${out}`);
      return 2;
    }
    if (!single) mkdirSync(out, { recursive: true });
    else outputPath(out, '--out');
    const used = new Set<string>();
    for (const [i, s] of series.entries()) {
      let name = seriesFileName(s, i);
      for (let n = 2; used.has(name); n++) name = seriesFileName(s, i).replace(/\.nii\.gz$/, `_${n}.nii.gz`);
      used.add(name);
      const path = single ? out : join(out, name);
      // one series' voxels at a time
      const bytes = writeNifti(compactVolume(await s.readVolume()), { gzip: !/\.nii$/i.test(path), description: `fedseg from DICOM ${s.description}`.slice(0, 79) });
      writeFileSync(path, bytes);
      console.log(`${path}: ${s.volume.dims.join('x')} voxels, ${s.volume.spacing.map((x) => +x.toFixed(3)).join('x')} mm, series "${s.description || s.protocolName || "no description"}" (${s.files.length} file(s))`);
      for (const w of s.warnings) console.log(`  note: ${w}`);
    }
    return 0;
  },
};
