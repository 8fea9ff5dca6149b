import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readNifti } from '../nifti/readNifti.ts';
import { readDicomSeries } from './readDicomSeries.ts';
import { sharedData } from '../../node/sharedData.ts';

const AMI = sharedData('ami');
const arrayBuffer = (path: string): ArrayBuffer => {
  const b = readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

describe('the same MPRAGE slice as DICOM and as NIfTI (ami.js files)', () => {
  it('puts every voxel at the same patient coordinate with the same value', async () => {
    const nii = readNifti(arrayBuffer(`${AMI}/adi_slice.nii`), 'adi_slice.nii');
    const { series, problems } = await readDicomSeries([{ name: 'adi_slice.dcm', bytes: arrayBuffer(`${AMI}/adi_slice.dcm`) }]);
    expect(problems).toEqual([]);
    const dcm = await series[0]!.readVolume();
    expect(dcm.dims).toEqual(nii.dims);
    // origin: NIfTI (-44.639, 139.690, 131.844) RAS = DICOM IPP (44.639, -139.690, 131.844) LPS
    expect(dcm.affine[3]).toBeCloseTo(-44.639, 3);
    expect(dcm.affine[7]).toBeCloseTo(139.69, 3);
    expect(dcm.affine[11]).toBeCloseTo(131.844, 3);
    // in-plane columns of the affine (i and j) agree; k is the slice normal in both
    for (const r of [0, 1, 2]) for (const c of [0, 1, 3]) expect(dcm.affine[4 * r + c]).toBeCloseTo(nii.affine[4 * r + c]!, 3);
    let differing = 0;
    for (let i = 0; i < dcm.data.length; i++) if (dcm.data[i] !== nii.data[i]) differing++;
    expect(differing).toBe(0);
  });
});
