import type { ImagingCase } from '../../core/types/case.ts';
import type { Sequence } from '../../core/types/sequences.ts';
import type { Dims3, Vec3 } from '../../core/types/volume.ts';
import type { DicomSeries } from '../dicom/dicomSeries.ts';
import type { FileProblem } from '../sourceFile.ts';

/** Grid of one sequence of a case. */
export interface GridInfo {
  readonly dims: Dims3;
  readonly spacing: Vec3;
  /** axis codes, e.g. "RAS", "LPS" */
  readonly orientation: string;
}

/** One case as found on disk. `loadImaging` is there when all four sequences are. */
export interface DiscoveredCase {
  /** local identifier (folder / name prefix, or the DICOM study); never leaves the site */
  readonly id: string;
  readonly source: 'nifti' | 'dicom';
  readonly found: Sequence[];
  readonly missing: Sequence[];
  /** of `missing` (and the label): those whose file was there but could not be read (its problem is among the report's) */
  readonly unreadable?: readonly (Sequence | 'label')[];
  readonly hasLabel: boolean;
  /** grid of the reference sequence (T1Gd when present, else the first found) */
  readonly dims: Dims3;
  readonly spacing: Vec3;
  readonly orientation: string;
  /** per sequence: the file (NIfTI) or series description (DICOM) it came from */
  readonly sources: Partial<Record<Sequence | 'label', string>>;
  readonly grids: Partial<Record<Sequence | 'label', GridInfo>>;
  /** DICOM: the series (key, see SeriesAssignment) assigned to each sequence */
  readonly seriesUids?: Partial<Record<Sequence, string>>;
  /** readable but noteworthy: grids that differ (prepareCase resamples them), labels mapped 3 -> 4 */
  readonly notes: string[];
  /**
   * The four sequences and the label (when usable) as volumes, read from their files (NIfTI)
   * or decoded from their series (DICOM) again at each call: discovery keeps no voxels (a
   * BraTS case is about 8 MB as NIfTI files and 220 MB as float32 volumes), so a folder of
   * many cases fits in the memory of a browser tab. The caller keeps what it needs and
   * lets go of the rest.
   */
  readonly loadImaging?: () => Promise<ImagingCase>;
}

/** A file or series that was read but not given a place in a case. */
export interface UnassignedItem {
  readonly kind: 'nifti' | 'dicom-series';
  /** the file name (NIfTI) or SeriesInstanceUID (DICOM) */
  readonly id: string;
  /** the case it belongs to, where known (DICOM: its study) */
  readonly caseId?: string;
  readonly description: string;
  readonly grid?: GridInfo;
  readonly reason: string;
}

/** How each DICOM series was assigned; the page edits this through assignSeries. */
export interface SeriesAssignment {
  /** the series' key: its SeriesInstanceUID (+ "#echoN" for one echo of a multi-echo series) */
  readonly seriesUid: string;
  readonly caseId: string;
  readonly description: string;
  readonly sequence: Sequence | null;
  readonly how: 'rule' | 'manual' | 'none';
  readonly reason: string;
  readonly grid: GridInfo;
}

export interface DiscoveryReport {
  readonly cases: DiscoveredCase[];
  readonly problems: FileProblem[];
  readonly unassigned: UnassignedItem[];
  readonly assignments: SeriesAssignment[];
  /** the DICOM series read, by key (SeriesInstanceUID, + "#echoN"), for assignSeries and DICOM SEG export */
  readonly dicomSeries: ReadonlyMap<string, DicomSeries>;
}
