/**
 * NIfTI files named the BraTS way -> cases: files sharing a folder and name prefix form
 * one case; each file's suffix says its sequence (or the label).
 */
import { FedsegError } from '../../core/util/errors.ts';
import { SEQUENCES } from '../../core/types/sequences.ts';
import type { Sequence } from '../../core/types/sequences.ts';
import type { ImagingCase } from '../../core/types/case.ts';
import type { Volume, VolumePlacement, VoxelArray } from '../../core/types/volume.ts';
import { readNifti, type NiftiVolume } from '../nifti/readNifti.ts';
import { baseName, fileChanged, fileProblem, readAgain } from '../sourceFile.ts';
import type { FileProblem, SourceFile, StoredFile } from '../sourceFile.ts';
import { isMaskName, parseBratsName } from './bratsNaming.ts';
import type { BratsRole } from './bratsNaming.ts';
import type { DiscoveredCase, GridInfo, UnassignedItem } from './discoveryReport.ts';
import { orientationCode } from './orientationCode.ts';

export interface NiftiCasesResult {
  cases: DiscoveredCase[];
  problems: FileProblem[];
  unassigned: UnassignedItem[];
}

export function gridOf(v: VolumePlacement): GridInfo {
  return { dims: v.dims, spacing: v.spacing, orientation: orientationCode(v.affine) };
}

export function sameGrid(a: VolumePlacement, b: VolumePlacement): boolean {
  return a.dims.every((d, i) => d === b.dims[i]) && a.affine.every((x, i) => Math.abs(x - b.affine[i]!) < 1e-3 * (1 + Math.abs(x)));
}

const fmtGrid = (g: GridInfo) => `${g.dims.join('x')} at ${g.spacing.map((s) => +s.toFixed(2)).join('x')} mm ${g.orientation}`;
const fmtOrigin = (v: VolumePlacement) => `(${[3, 7, 11].map((i) => +v.affine[i]!.toFixed(2)).join(', ')}) mm`;
const fmtPlacement = (v: VolumePlacement) => `${fmtGrid(gridOf(v))}, first voxel at ${fmtOrigin(v)}`;

/** The volume as float32, keeping the NIfTI header it was read with (an exported mask copies its qform and sform). */
export function toFloat32(v: Volume<VoxelArray>): Volume<Float32Array> {
  const data = v.data instanceof Float32Array ? v.data : Float32Array.from(v.data);
  return { dims: v.dims, spacing: v.spacing, affine: v.affine, data, ...('header' in v ? { header: v.header } : {}) };
}

/**
 * What discovery keeps of a file it read: where its voxels lie, the reader's warnings and,
 * for a label, whether its values are labels. The bytes and voxels are let go: the file
 * is read again when the case is loaded.
 */
interface ReadFile {
  readonly file: StoredFile;
  readonly placement: VolumePlacement;
  readonly warnings: readonly string[];
  readonly labelCheck?: { mapped3: number } | { error: string };
}

/**
 * A file of a case, read again (one at a time: the case's files are never all in memory as
 * bytes); it must still lie where discovery found it (FILE_CHANGED otherwise).
 */
async function readAgainNifti(read: ReadFile, caseId: string): Promise<NiftiVolume> {
  const what = `case ${caseId}`;
  const volume = readNifti(await readAgain(read.file, what), read.file.name);
  if (!sameGrid(volume, read.placement)) throw fileChanged(read.file.name, what, `a volume on another grid (${fmtPlacement(volume)}, not ${fmtPlacement(read.placement)})`);
  return volume;
}

/** The label volume of a label file, read again; what discovery checked must hold. */
async function readLabel(read: ReadFile, caseId: string): Promise<Volume<Uint8Array>> {
  const converted = toLabelVolume(await readAgainNifti(read, caseId));
  if ('error' in converted) throw fileChanged(read.file.name, `case ${caseId}`, `other label values: ${converted.error}`);
  return converted.label;
}

/** The NIfTI reader's warnings for a volume it read. */
function readerWarnings(v: Volume<VoxelArray>): readonly string[] {
  return 'header' in v ? ((v as NiftiVolume).header.warnings ?? []) : [];
}

/** Whether a label file's values are labels: how many 3s it has, or which other values. */
function labelCheckOf(v: Volume<VoxelArray>): { mapped3: number } | { error: string } {
  const converted = toLabelVolume(v);
  return 'error' in converted ? converted : { mapped3: converted.mapped3 };
}

/** Label volume as uint8 {0,1,2,4} (3 read as 4), or a message saying which values were found. */
export function toLabelVolume(v: Volume<VoxelArray>): { label: Volume<Uint8Array>; mapped3: number } | { error: string } {
  const out = new Uint8Array(v.data.length);
  const odd = new Set<number>();
  let mapped3 = 0;
  for (let p = 0; p < v.data.length; p++) {
    const x = v.data[p]!;
    if (x === 0 || x === 1 || x === 2 || x === 4) out[p] = x;
    else if (x === 3) {
      out[p] = 4;
      mapped3++;
    } else if (odd.size < 5) odd.add(x);
  }
  if (odd.size > 0) return { error: `expected label values {0, 1, 2, 4} (or 3 for BraTS 2023), found also ${[...odd].join(', ')}` };
  return { label: { dims: v.dims, spacing: v.spacing, affine: v.affine, data: out }, mapped3 };
}

/**
 * NIfTI files handed over one by one as discovery reads them (each file is read once,
 * and only what its case needs is kept), then the cases they make.
 */
export class NiftiCollector {
  private readonly problems: FileProblem[] = [];
  private readonly unassigned: UnassignedItem[] = [];
  private readonly groups = new Map<string, Map<BratsRole, ReadFile>>();
  /** per case, the roles whose file was found but could not be read */
  private readonly unreadable = new Map<string, Set<BratsRole>>();

  /** `source`: the file's bytes, read now; `file`: where its case reads it again. */
  add(source: SourceFile, file: StoredFile): void {
    const { problems, unassigned, groups } = this;
    const parsed = parseBratsName(file.name);
    if (!parsed) {
      const reason = isMaskName(file.name)
        ? 'a mask (in preprocessed data usually the brain mask from skull stripping), not used as the tumour label: expected the label named <case>_seg (or _label, _gt); rename it so if it holds the tumour labels'
        : /[_-]seg[_-]/i.test(baseName(file.name))
          ? 'a segmentation other than the ground truth (e.g. a model prediction): not used as the label'
          : 'the name does not end in a BraTS sequence suffix (_t1, _t1ce, _t2, _flair, _seg; or -t1n, -t1c, -t2w, -t2f)';
      unassigned.push({ kind: 'nifti', id: file.name, description: baseName(file.name), reason });
      return;
    }
    let read: ReadFile;
    try {
      // read whole (a damaged file is named now, not when training starts), then let go of the voxels
      const volume = readNifti(source.bytes, file.name);
      read = {
        file, placement: { dims: volume.dims, spacing: volume.spacing, affine: volume.affine }, warnings: readerWarnings(volume),
        ...(parsed.role === 'seg' ? { labelCheck: labelCheckOf(volume) } : {}),
      };
    } catch (err) {
      const code = err instanceof FedsegError ? err.code : 'NIFTI_UNREADABLE';
      const msg = err instanceof Error ? err.message : String(err);
      problems.push(fileProblem(file.name, code, msg.startsWith(baseName(file.name)) || msg.includes(file.name) ? msg : `${baseName(file.name)}: ${msg}`));
      // its case says the file is there but unreadable, not missing
      const roles = this.unreadable.get(parsed.caseKey) ?? new Set<BratsRole>();
      this.unreadable.set(parsed.caseKey, roles.add(parsed.role));
      return;
    }
    const group = groups.get(parsed.caseKey) ?? new Map();
    groups.set(parsed.caseKey, group);
    const earlier = group.get(parsed.role);
    if (earlier) {
      const what = parsed.role === 'seg' ? 'label' : `${parsed.role} file`;
      unassigned.push({
        kind: 'nifti', id: file.name, caseId: parsed.caseKey, description: baseName(file.name), grid: gridOf(read.placement),
        reason: `expected one ${what} for case ${parsed.caseKey}, found two: ${baseName(earlier.file.name)} (used) and ${baseName(file.name)} (not used); remove or rename the one that is not the ${parsed.role === 'seg' ? 'tumour label' : parsed.role}`,
      });
      return;
    }
    group.set(parsed.role, read);
  }

  /** The cases of the files added, with their problems and the files no case took. */
  cases(): NiftiCasesResult {
    const { problems, unassigned, groups } = this;
    const cases: DiscoveredCase[] = [];
    for (const [id, group] of groups) {
      const found = SEQUENCES.filter((s) => group.has(s));
      const missing = SEQUENCES.filter((s) => !group.has(s));
      const unreadable = [...(this.unreadable.get(id) ?? [])].map((r) => (r === 'seg' ? 'label' as const : r));
      const reference = group.get('t1ce') ?? group.get(found[0] ?? 'seg')!;
      const refGrid = gridOf(reference.placement);
      const notes: string[] = [];
      const sources: DiscoveredCase['sources'] = {};
      const grids: DiscoveredCase['grids'] = {};
      for (const s of found) {
        const e = group.get(s)!;
        sources[s] = e.file.name;
        grids[s] = gridOf(e.placement);
        if (!sameGrid(e.placement, reference.placement)) notes.push(`${s} grid (${fmtGrid(grids[s])}) differs from ${baseName(reference.file.name)} (${fmtGrid(refGrid)}); it will be resampled`);
      }
      let labelFile: ReadFile | undefined;
      const seg = group.get('seg');
      if (seg) {
        sources.label = seg.file.name;
        grids.label = gridOf(seg.placement);
        const checked = seg.labelCheck!;
        if ('error' in checked) {
          problems.push(fileProblem(seg.file.name, 'LABEL_VALUES', `${baseName(seg.file.name)}: ${checked.error}`));
        } else if (found.length > 0 && !sameGrid(seg.placement, reference.placement)) {
          // the label is compared with predictions voxel by voxel: it must lie on the images' grid, not only be as large
          const sameSize = seg.placement.dims.every((d, i) => d === reference.placement.dims[i]);
          const found2 = sameSize
            ? `the same size placed elsewhere by its affine (${fmtGrid(grids.label)}, first voxel at ${fmtOrigin(seg.placement)} against ${fmtOrigin(reference.placement)})`
            : fmtGrid(grids.label);
          problems.push(fileProblem(seg.file.name, 'LABEL_GRID', `${baseName(seg.file.name)}: expected the label on the grid of the images (${fmtGrid(refGrid)}), found ${found2}`));
        } else {
          labelFile = seg;
          if (checked.mapped3 > 0) notes.push(`label 3 (BraTS 2023 enhancing tumour) read as 4 in ${checked.mapped3} voxels`);
        }
      }
      // what the reader had to assume or repair (NaN voxels set to 0, an invalid sform, units), by file
      for (const e of [...found.map((s) => group.get(s)!), ...(seg ? [seg] : [])]) {
        for (const w of e.warnings) notes.push(`${baseName(e.file.name)}: ${w}`);
      }
      const imageFiles = missing.length === 0 ? SEQUENCES.map((s) => group.get(s)!) : null;
      const loadImaging = async (): Promise<ImagingCase> => {
        const images: Partial<Record<Sequence, Volume<Float32Array>>> = {};
        for (const [i, f] of imageFiles!.entries()) images[SEQUENCES[i]!] = toFloat32(await readAgainNifti(f, id));
        const all = images as Record<Sequence, Volume<Float32Array>>;
        return labelFile ? { id, images: all, label: await readLabel(labelFile, id) } : { id, images: all };
      };
      const c: DiscoveredCase = {
        id, source: 'nifti', found, missing, ...(unreadable.length ? { unreadable } : {}), hasLabel: labelFile !== undefined,
        dims: refGrid.dims, spacing: refGrid.spacing, orientation: refGrid.orientation,
        sources, grids, notes,
        ...(imageFiles ? { loadImaging } : {}),
      };
      cases.push(c);
    }
    return { cases, problems, unassigned };
  }
}
