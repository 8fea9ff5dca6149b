import { describe, expect, it } from 'vitest';
import { matchSequence } from './sequenceRules.ts';
import { parseBratsName } from './bratsNaming.ts';
import { orientationCode } from './orientationCode.ts';

describe('matchSequence (default rules)', () => {
  const cases: [string, string, string | null][] = [
    ['AX FLAIR', '', 'flair'],
    ['T2 FLAIR AX', '', 'flair'],
    ['t2_tirm_tra_dark-fluid', '', 'flair'],
    ['t2_tse_tra', '', 't2'],
    ['AX T2 FSE', '', 't2'],
    ['T1 MPRAGE POST GD', '', 't1ce'],
    ['AX T1 +C', '', 't1ce'],
    ['T1W_3D_TFE +C', '', 't1ce'],
    ['', 'BRAIN T1 POST', 't1ce'],
    ['t1_mprage_sag_p2_iso', '', 't1'],
    ['AX T1 SE pre', '', 't1'],
    ['3-Plane Localizer', '', 'ignore'],
    ['DWI b1000', '', 'ignore'],
    ['ADC', '', 'ignore'],
    ['AX T2* GRE', '', 'ignore'],
    ['FSE PD AXIAL OBL', '', null],
  ];
  for (const [description, protocol, want] of cases) {
    it(`"${description || protocol}" -> ${want}`, () => {
      expect(matchSequence(description, protocol)?.sequence ?? null).toBe(want);
    });
  }
  it('takes custom rules as data', () => {
    expect(matchSequence('PD AX', '', [{ sequence: 't2', pattern: '\\bpd\\b' }])?.sequence).toBe('t2');
  });
});

describe('parseBratsName', () => {
  it('reads BraTS 2019-2021 and 2023 names into case and role', () => {
    expect(parseBratsName('site/BraTS19_TCIA08_105_1_t1ce.nii.gz')).toEqual({ caseKey: 'site/BraTS19_TCIA08_105_1', role: 't1ce' });
    expect(parseBratsName('BraTS19_TCIA08_105_1_seg_GroundTruth.nii.gz')).toEqual({ caseKey: 'BraTS19_TCIA08_105_1', role: 'seg' });
    expect(parseBratsName('a/BraTS-GLI-00000-000-t1n.nii.gz')).toEqual({ caseKey: 'a/BraTS-GLI-00000-000', role: 't1' });
    expect(parseBratsName('a/BraTS-GLI-00000-000-t2f.nii')).toEqual({ caseKey: 'a/BraTS-GLI-00000-000', role: 'flair' });
    expect(parseBratsName('a/BraTS-GLI-00000-000-t1c.nii')?.role).toBe('t1ce');
    expect(parseBratsName('a/BraTS-GLI-00000-000-t2w.nii')?.role).toBe('t2');
    expect(parseBratsName('x/P1_T1GD.nii.gz')?.role).toBe('t1ce');
    expect(parseBratsName('x/brain.nii.gz')).toBeNull();
    expect(parseBratsName('x/BraTS19_TCIA08_105_1_seg_PIM.nii.gz')).toBeNull();
  });
});

describe('orientationCode', () => {
  it('names where each voxel axis points, as nibabel does', () => {
    expect(orientationCode([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toBe('RAS');
    expect(orientationCode([-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toBe('LPS');
    expect(orientationCode([0, 0, -2, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1])).toBe('PSL');
  });
});
