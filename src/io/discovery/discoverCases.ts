/**
 * A site's files (a folder's worth, flat, with relative paths) -> the cases they hold:
 * NIfTI by BraTS naming, DICOM series by study and SeriesDescription rules. Files that
 * cannot be used become FileProblems; nothing throws. Files are taken in path order (by
 * code unit, names in Unicode NFC), so when two files claim one role the same one wins
 * however the browser listed the folder. Each file is read once, one at a time, and its
 * bytes let go: the cases read their files again when loaded (StoredFile).
 */
import { DicomReader } from '../dicom/readDicomSeries.ts';
import { baseName, fileProblem, readStored } from '../sourceFile.ts';
import type { FileProblem, SourceFile, StoredFile } from '../sourceFile.ts';
import { assignByRules, dicomCasesFrom } from './dicomCases.ts';
import type { DiscoveryReport } from './discoveryReport.ts';
import { fileKind } from './fileKind.ts';
import { NiftiCollector } from './niftiCases.ts';
import { DEFAULT_SEQUENCE_RULES } from './sequenceRules.ts';
import type { SequenceRules } from './sequenceRules.ts';

export interface DiscoverOptions {
  /** after each file is read: how many of all, and their bytes so far */
  readonly onFile?: (done: number, total: number, bytes: number) => void;
}

/** The file under another name (a StoredFile's read is kept: it may be a method, which a spread would lose). */
function renamed(f: SourceFile | StoredFile, name: string): SourceFile | StoredFile {
  return 'read' in f ? { name, size: f.size, read: () => f.read() } : { name, bytes: f.bytes };
}

export async function discoverCases(
  files: readonly (SourceFile | StoredFile)[], rules: SequenceRules = DEFAULT_SEQUENCE_RULES, opts: DiscoverOptions = {},
): Promise<DiscoveryReport> {
  const problems: FileProblem[] = [];
  const nifti = new NiftiCollector();
  const dicom = new DicomReader();
  // names of the files taken for DICOM only because they have no extension, with their size
  const guessedDicom = new Map<string, number>();
  // one spelling of each name: macOS writes names decomposed (NFD), most others composed (NFC),
  // and a case whose files mix them would split in two that look the same
  const named = files.map((f) => (f.name.normalize('NFC') === f.name ? f : renamed(f, f.name.normalize('NFC'))));
  let bytes = 0;
  for (const [i, f] of named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).entries()) {
    const read = await readStored(f);
    if ('problem' in read) problems.push(read.problem);
    else {
      const size = read.file.bytes.byteLength;
      bytes += size;
      const kind = fileKind(read.file);
      if (kind === 'nifti') nifti.add(read.file, read.stored);
      else if (kind === 'dicom') {
        if (!/\.(dcm|dicom|ima)$/i.test(f.name)) guessedDicom.set(f.name, size);
        await dicom.add(read.file, read.stored);
      } else {
        const ext = /\.([^./]+)$/.exec(baseName(f.name))?.[1];
        problems.push(fileProblem(f.name, 'FILE_UNKNOWN', `${baseName(f.name)}: expected a NIfTI (.nii, .nii.gz) or DICOM file, found ${ext ? `a .${ext} file` : 'another kind of file'} (${size} bytes)`));
      }
    }
    opts.onFile?.(i + 1, named.length, bytes);
  }
  const n = nifti.cases();
  problems.push(...n.problems);
  const d = await dicom.series();
  // a file taken for DICOM only because it has no extension, and that is not DICOM, is simply unknown
  problems.push(
    ...d.problems.map((p) => {
      const size = guessedDicom.get(p.file);
      return p.code === 'DICOM_NOT_DICOM' && size !== undefined
        ? fileProblem(p.file, 'FILE_UNKNOWN', `${baseName(p.file)}: expected a NIfTI (.nii, .nii.gz) or DICOM file, found neither (${size} bytes)`)
        : p;
    }),
  );
  const dicomSeries = new Map(d.series.map((s) => [s.key, s]));
  const assignments = assignByRules(d.series, rules, new Set(n.cases.map((c) => c.id)));
  const dc = dicomCasesFrom(assignments, dicomSeries);
  return {
    cases: [...n.cases, ...dc.cases].sort((a, b) => a.id.localeCompare(b.id)),
    problems,
    unassigned: [...n.unassigned, ...dc.unassigned],
    assignments,
    dicomSeries,
  };
}
