/**
 * A site's files (a folder's worth, flat, with relative paths) -> the cases they hold:
 * NIfTI by BraTS naming, DICOM series by study and SeriesDescription rules. Files that
 * cannot be used become FileProblems; nothing throws. Files are taken in path order (by
 * code unit, names in Unicode NFC), so when two files claim one role the same one wins
 * however the browser listed the folder.
 */
import { readDicomSeries } from '../dicom/readDicomSeries.ts';
import type { DicomSeries } from '../dicom/dicomSeries.ts';
import { baseName, fileProblem } from '../sourceFile.ts';
import type { FileProblem, SourceFile } from '../sourceFile.ts';
import { assignByRules, dicomCasesFrom } from './dicomCases.ts';
import type { DiscoveryReport } from './discoveryReport.ts';
import { fileKind } from './fileKind.ts';
import { niftiCases } from './niftiCases.ts';
import { DEFAULT_SEQUENCE_RULES } from './sequenceRules.ts';
import type { SequenceRules } from './sequenceRules.ts';

export async function discoverCases(files: readonly SourceFile[], rules: SequenceRules = DEFAULT_SEQUENCE_RULES): Promise<DiscoveryReport> {
  const problems: FileProblem[] = [];
  const nifti: SourceFile[] = [];
  const dicom: SourceFile[] = [];
  // one spelling of each name: macOS writes names decomposed (NFD), most others composed (NFC),
  // and a case whose files mix them would split in two that look the same
  const named = files.map((f) => (f.name.normalize('NFC') === f.name ? f : { ...f, name: f.name.normalize('NFC') }));
  for (const f of named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const kind = fileKind(f);
    if (kind === 'nifti') nifti.push(f);
    else if (kind === 'dicom') dicom.push(f);
    else {
      const ext = /\.([^./]+)$/.exec(baseName(f.name))?.[1];
      problems.push(fileProblem(f.name, 'FILE_UNKNOWN', `${baseName(f.name)}: expected a NIfTI (.nii, .nii.gz) or DICOM file, found ${ext ? `a .${ext} file` : 'another kind of file'} (${f.bytes.byteLength} bytes)`));
    }
  }
  const n = niftiCases(nifti);
  problems.push(...n.problems);
  const d = dicom.length > 0 ? await readDicomSeries(dicom) : { series: [] as DicomSeries[], problems: [] };
  // a file taken for DICOM only because it has no extension, and that is not DICOM, is simply unknown
  const byName = new Map(dicom.map((f) => [f.name, f]));
  problems.push(
    ...d.problems.map((p) => {
      const f = byName.get(p.file);
      return p.code === 'DICOM_NOT_DICOM' && f && !/\.(dcm|dicom|ima)$/i.test(f.name)
        ? fileProblem(p.file, 'FILE_UNKNOWN', `${baseName(p.file)}: expected a NIfTI (.nii, .nii.gz) or DICOM file, found neither (${f.bytes.byteLength} bytes)`)
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
