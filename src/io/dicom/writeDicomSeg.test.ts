import { describe, expect, it } from 'vitest';
import { readDicomSeries } from './readDicomSeries.ts';
import { readDicomSeg } from './readDicomSeg.ts';
import { SEGMENTATION_SOP_CLASS, writeDicomSeg } from './writeDicomSeg.ts';
import { syntheticDicomSeries, syntheticEnhancedDicom, withRawText } from './testing/syntheticDicom.ts';
import { readDicomFile } from './dcmjsLib.ts';
import type { NaturalDataset } from './dcmjsLib.ts';
import { dicomParser } from './dicomParserLib.ts';
import { datasetTextDecoding, readText } from './characterSets.ts';
import { TAG } from './dicomTags.ts';
import type { SourceFile } from '../sourceFile.ts';

function tumour(nx: number, ny: number, nz: number): Uint8Array {
  const labels = new Uint8Array(nx * ny * nz);
  for (let k = 1; k < nz - 1; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const r = Math.hypot(i - nx / 2, j - ny / 2, (k - nz / 2) * 1.5);
        labels[i + nx * (j + ny * k)] = r < 1.5 ? 1 : r < 2.5 ? 4 : r < 3.5 ? 2 : 0;
      }
  return labels;
}

const asArray = (v: unknown): NaturalDataset[] => (Array.isArray(v) ? v : [v]) as NaturalDataset[];

describe('writeDicomSeg', () => {
  it('writes a SEG that dcmjs reads back to the same mask per segment, referencing the source', async () => {
    const files = syntheticDicomSeries({ dims: [9, 8, 6], orientation: [0, 1, 0, 0, 0, -1], sliceSpacing: 3, description: 'T1 post' });
    const { series } = await readDicomSeries(files);
    const source = series[0]!;
    const labels = tumour(9, 8, 6);
    labels[0] = 3; // BraTS 2023 enhancing tumour -> written as label 4
    const bytes = writeDicomSeg(labels, source, { now: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) });
    const { labels: back, segments, dataset } = readDicomSeg(bytes, source);
    const expected = labels.map((v) => (v === 3 ? 4 : v));
    expect(Array.from(back)).toEqual(Array.from(expected));
    expect(segments.map((s) => [s.number, s.typeCode, s.typeScheme, s.algorithmType, s.algorithmName])).toEqual([
      [1, '6574001', 'SCT', 'AUTOMATIC', 'fedseg 3D U-Net'],
      [2, '79654002', 'SCT', 'AUTOMATIC', 'fedseg 3D U-Net'],
      [3, 'C113842', 'NCIt', 'AUTOMATIC', 'fedseg 3D U-Net'],
    ]);
    expect(dataset.SOPClassUID).toBe(SEGMENTATION_SOP_CLASS);
    expect(dataset.Modality).toBe('SEG');
    expect(dataset.SegmentationType).toBe('BINARY');
    expect([dataset.ContentCreatorName ?? []].flat().join('')).toBe(''); // a person's name: none is known
    expect(readDicomSeg(writeDicomSeg(labels, source, { modelHash: 'c3'.repeat(32) }), source).dataset.ContentDescription).toBe(`BraTS labels 1, 2, 4 by global model ${'c3'.repeat(8)}`);
    expect(dataset.StudyInstanceUID).toBe(source.studyInstanceUid);
    expect(dataset.FrameOfReferenceUID).toBe(source.frameOfReferenceUid);
    const refSeries = asArray(dataset.ReferencedSeriesSequence)[0]!;
    expect(refSeries.SeriesInstanceUID).toBe(source.seriesInstanceUid);
    expect(asArray(refSeries.ReferencedInstanceSequence).map((r) => r.ReferencedSOPInstanceUID).sort()).toEqual(
      source.sourceUids.map((r) => r.sopInstanceUid).sort(),
    );
    // each frame's plane position is the position of the slice it references
    const perFrame = asArray(dataset.PerFrameFunctionalGroupsSequence);
    for (const fg of perFrame) {
      const ref = asArray(asArray(asArray(fg.DerivationImageSequence)[0]!.SourceImageSequence))[0]!;
      const k = source.sourceUids.findIndex((r) => r.sopInstanceUid === ref.ReferencedSOPInstanceUID);
      const ipp = asArray(fg.PlanePositionSequence)[0]!.ImagePositionPatient as number[];
      const a = source.volume.affine;
      expect(ipp[0]).toBeCloseTo(-(a[3]! + k * a[2]!), 4);
      expect(ipp[2]).toBeCloseTo(a[11]! + k * a[10]!, 4);
    }
  });

  it('says when the source was ever lossy compressed (LossyImageCompression 01, with the method and ratio)', async () => {
    const seg = async (attributes: NaturalDataset) => {
      const { series } = await readDicomSeries(syntheticDicomSeries({ dims: [6, 5, 3], attributes }));
      return readDicomSeg(writeDicomSeg(tumour(6, 5, 3), series[0]!), series[0]!).dataset;
    };
    const plain = await seg({});
    expect(plain.LossyImageCompression).toBe('00');
    expect(plain.LossyImageCompressionMethod).toBeUndefined();
    expect(plain.LossyImageCompressionRatio).toBeUndefined();
    const lossy = await seg({ LossyImageCompression: '01', LossyImageCompressionMethod: 'ISO_10918_1', LossyImageCompressionRatio: 12.5 });
    expect(lossy.LossyImageCompression).toBe('01');
    expect([lossy.LossyImageCompressionMethod].flat()).toEqual(['ISO_10918_1']);
    expect([lossy.LossyImageCompressionRatio].flat().map(Number)).toEqual([12.5]);
    // a ratio not known is not made up: the method alone
    const unknown = await seg({ LossyImageCompression: '01', LossyImageCompressionMethod: 'ISO_10918_1' });
    expect([unknown.LossyImageCompressionMethod].flat()).toEqual(['ISO_10918_1']);
    expect(unknown.LossyImageCompressionRatio).toBeUndefined();
    // a lossless T1 with a lossy FLAIR beside it: the mask came from both
    const { series: [t1] } = await readDicomSeries(syntheticDicomSeries({ dims: [6, 5, 3] }));
    const { series: [flair] } = await readDicomSeries(syntheticDicomSeries({ dims: [6, 5, 3], attributes: { LossyImageCompression: '01', LossyImageCompressionMethod: 'ISO_15444_1', LossyImageCompressionRatio: 8 } }));
    const both = readDicomSeg(writeDicomSeg(tumour(6, 5, 3), t1!, { alsoDerivedFrom: [flair!] }), t1!).dataset;
    expect(both.LossyImageCompression).toBe('01');
    expect([both.LossyImageCompressionMethod].flat()).toEqual(['ISO_15444_1']);
    expect([both.LossyImageCompressionRatio].flat().map(Number)).toEqual([8]);
  });

  it('references frame numbers for an enhanced multi-frame source and keeps an empty segment', async () => {
    const { series } = await readDicomSeries([syntheticEnhancedDicom({ dims: [5, 5, 4] })]);
    const source = series[0]!;
    const labels = new Uint8Array(100);
    labels[2 + 5 * 2 + 25 * 3] = 2; // one oedema voxel on slice 3
    const bytes = writeDicomSeg(labels, source);
    const { labels: back } = readDicomSeg(bytes, source);
    expect(Array.from(back)).toEqual(Array.from(labels));
    const ds = readDicomFile(bytes);
    expect(ds.NumberOfFrames).toBe(3); // one frame per segment: two empty placeholders and the oedema slice
  });

  it('refuses a mask on another grid, saying both sizes', async () => {
    const { series } = await readDicomSeries(syntheticDicomSeries({ dims: [4, 4, 2] }));
    expect(() => writeDicomSeg(new Uint8Array(10), series[0]!)).toThrow(/expected 32 labels \(4x4x2.*found 10/);
  });
});

describe('writeDicomSeg patient and study text', () => {
  const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
  /** PN as dcmjs naturalizes it: a string or [{ Alphabetic }] */
  const personName = (v: unknown): unknown => (Array.isArray(v) ? personName(v[0]) : typeof v === 'object' && v ? (v as { Alphabetic?: unknown }).Alphabetic : v);

  /** Reads the series, writes its SEG; the SEG's text as dcmjs reads it and as fedseg's decoder reads its bytes. */
  async function segOf(files: SourceFile[]) {
    const { series, problems } = await readDicomSeries(files);
    expect(problems).toEqual([]);
    const source = series[0]!;
    const bytes = writeDicomSeg(new Uint8Array(source.volume.dims[0] * source.volume.dims[1] * source.volume.dims[2]), source);
    const dcmjs = readDicomFile(bytes);
    const ds = dicomParser.parseDicom(new Uint8Array(bytes));
    const text = datasetTextDecoding(ds);
    const own = (tag: string) => readText(ds, tag, text);
    return { source, dcmjs, own };
  }

  it('copies UTF-8 (ISO_IR 192) names exactly', async () => {
    const files = syntheticDicomSeries({
      dims: [3, 3, 2], description: 'T1 Schädel',
      attributes: { SpecificCharacterSet: 'ISO_IR 192', PatientName: 'Müller^Jürgen', ReferringPhysicianName: 'Ødegård^Åse', StudyDescription: 'MRT Schädel 头部' },
    });
    const { source, dcmjs, own } = await segOf(files);
    expect(source.study.patientName).toBe('Müller^Jürgen');
    expect(source.study.referringPhysicianName).toBe('Ødegård^Åse');
    expect(source.study.studyDescription).toBe('MRT Schädel 头部');
    expect(source.description).toBe('T1 Schädel');
    expect(source.warnings.filter((w) => /character/i.test(w))).toEqual([]);
    expect(dcmjs.SpecificCharacterSet).toBe('ISO_IR 192');
    expect(personName(dcmjs.PatientName)).toBe('Müller^Jürgen');
    expect(dcmjs.StudyDescription).toBe('MRT Schädel 头部');
    expect(dcmjs.SeriesDescription).toBe('fedseg tumour segmentation of T1 Schädel');
    expect(own(TAG.PatientName)).toBe('Müller^Jürgen');
    expect(own(TAG.ReferringPhysicianName)).toBe('Ødegård^Åse');
  });

  it('copies Latin-1 (ISO_IR 100) names exactly, re-encoded as UTF-8', async () => {
    // dcmjs writes UTF-8 only: write ASCII placeholders, then put Latin-1 bytes in their place
    const files = syntheticDicomSeries({
      dims: [3, 3, 2],
      attributes: { SpecificCharacterSet: 'ISO_IR 100', PatientName: 'M_ller^J_rgen', StudyDescription: 'Sch_del nativ' },
    }).map((f) => withRawText(withRawText(f, 'M_ller^J_rgen', latin1('Müller^Jürgen')), 'Sch_del nativ', latin1('Schädel nativ')));
    expect(new Uint8Array(files[0]!.bytes)).toContain(0xfc); // ü as one Latin-1 byte
    const { source, dcmjs, own } = await segOf(files);
    expect(source.study.patientName).toBe('Müller^Jürgen');
    expect(source.study.studyDescription).toBe('Schädel nativ');
    expect(personName(dcmjs.PatientName)).toBe('Müller^Jürgen');
    expect(dcmjs.StudyDescription).toBe('Schädel nativ');
    expect(own(TAG.PatientName)).toBe('Müller^Jürgen');
  });

  it('reads an unknown SpecificCharacterSet as Latin-1 and says so in the series warnings', async () => {
    const files = syntheticDicomSeries({ dims: [3, 3, 2], attributes: { SpecificCharacterSet: 'ISO_IR 999', PatientName: 'M_ller' } })
      .map((f) => withRawText(f, 'M_ller', latin1('Müller')));
    const { series, problems } = await readDicomSeries(files);
    expect(problems).toEqual([]);
    expect(series[0]!.study.patientName).toBe('Müller');
    const said = series[0]!.warnings.filter((w) => /SpecificCharacterSet/.test(w));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/slice_.*\.dcm: SpecificCharacterSet "ISO_IR 999" is not a character set fedseg knows .*read as Latin-1/);
  });
});
