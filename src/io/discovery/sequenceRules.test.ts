import { describe, expect, it } from 'vitest';
import { DEFAULT_SEQUENCE_RULES, matchSequence } from './sequenceRules.ts';
import { parseBratsName } from './bratsNaming.ts';
import { orientationCode } from './orientationCode.ts';

describe('matchSequence (default rules)', () => {
  // group -> [SeriesDescription, ProtocolName, expected sequence]
  const groups: Record<string, [string, string, string | null][]> = {
    'the first cases, unchanged': [
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
    ],
    'common descriptions that already worked': [
      ['Ax T1 SE +C', '', 't1ce'],
      ['AX T1 MPRAGE', '', 't1'],
      ['Sag MPRAGE', '', 't1'],
      ['COR T1 POST FS', '', 't1ce'],
      ['T1_mprage_tra_post', '', 't1ce'],
      ['AX T2 FRFSE', '', 't2'],
      ['Ax T1 3D BRAVO C+', '', 't1ce'],
      ['AX 3D T1 POST GAD', '', 't1ce'],
      ['AX T1 POST GD', '', 't1ce'],
      ['T1CE', '', 't1ce'],
      ['t1_mpr_ns_sag_p2_iso', '', 't1'],
      ['T2 FLAIR +C', '', 'flair'],
      ['AX FLAIR POST', '', 'flair'],
      ['PD/T2', '', 't2'],
    ],
    'GE T1 FLAIR is T1-weighted: t1, or t1ce after contrast; T2 FLAIR stays flair': [
      ['AX T1 FLAIR', '', 't1'],
      ['SAG T1 FLAIR', '', 't1'],
      ['AX T1FLAIR', '', 't1'],
      ['AX T1 FLAIR POST', '', 't1ce'],
      ['AX T1 FLAIR +C', '', 't1ce'],
      ['T1 FLAIR GD', '', 't1ce'],
      ['AX T2 FLAIR', '', 'flair'],
      ['FLAIR', '', 'flair'],
    ],
    'negated contrast wording is a pre-contrast T1': [
      ['AX T1 PRE GD', '', 't1'],
      ['AX T1 PRE GD 3D', '', 't1'],
      ['T1 pre contrast', '', 't1'],
      ['T1 PRE-CONTRAST', '', 't1'],
      ['Pre-contrast T1', '', 't1'],
      ['T1precontrast', '', 't1'],
      ['T1 without contrast', '', 't1'],
      ['T1 w/o contrast', '', 't1'],
      ['T1 no contrast', '', 't1'],
      ['T1 non-enhanced', '', 't1'],
      ['T1 unenhanced', '', 't1'],
      ['T1 pre gad', '', 't1'],
      ['AX T1 FLAIR PRE', '', 't1'],
      // "with and without" describes the exam, not the series; post/+C wins over a "pre"
      ['T1 with and without contrast', '', 't1ce'],
      ['AX T1 pre and post', '', 't1ce'],
    ],
    'contrast named in German, Italian, Spanish and French': [
      ['T1 KM', '', 't1ce'],
      ['t1_tse_tra_KM', '', 't1ce'],
      ['T1+KM', '', 't1ce'],
      ['T1 mit KM', '', 't1ce'],
      ['T1 nach KM', '', 't1ce'],
      ['T1 MPRAGE Kontrast', '', 't1ce'],
      ['T1 MdC', '', 't1ce'],
      ['T1 con contraste', '', 't1ce'],
      ['T1 gado', '', 't1ce'],
      ['T1 ohne KM', '', 't1'],
      ['T1 vor KM', '', 't1'],
      ['T1 nativ', '', 't1'],
      ['T1 sin contraste', '', 't1'],
      ['T1 senza MdC', '', 't1'],
      ['T1 sans gado', '', 't1'],
      // an exam named "vor und nach KM" is both; the series' own wording decides
      ['T1 vor KM', 'Schädel vor und nach KM', 't1'],
      ['T1 tra', 'Schädel vor und nach KM', 't1'],
      // a description that says "no contrast" is not overruled by a per-series protocol
      ['T1 ohne KM', 't1_tse_tra_KM', 't1'],
      ['T1', 't1_tse_tra_KM', 't1ce'],
      ['T2 FLAIR KM', '', 'flair'],
      ['T1 Kmax', '', 't1'],
    ],
    'Philips names joined by "_"': [
      ['T1W_3D_TFE', '', 't1'],
      ['T1W_SE', '', 't1'],
      ['sT1W_3D_TFE', '', 't1'],
      ['T1W_3D_TFE_GD', '', 't1ce'],
      ['T1W_3D_TFE_post', '', 't1ce'],
      ['T1W +C', '', 't1ce'],
      ['T2W_TSE', '', 't2'],
      ['sT2W_TSE', '', 't2'],
      ['T2W_FLAIR', '', 'flair'],
      ['T2W_FFE', '', 'ignore'], // T2* gradient echo
    ],
    'series joined by "_" that are none of the four': [
      ['t2_swi_tra', '', 'ignore'],
      ['ep2d_diff_3scan_trace', '', 'ignore'],
      ['ep2d_perf', '', 'ignore'],
      ['t1_vibe_dynamic', '', 'ignore'],
      ['AAHead_Scout', '', 'ignore'],
      ['AX T2 GRE', '', 'ignore'],
      ['Mag_Images', 't2_swi_tra_p2', 'ignore'],
    ],
    'a per-series ProtocolName says a plain T1 description is after contrast': [
      ['AX T1', 'AX T1 POST GD', 't1ce'],
      ['t1_mprage_sag', 't1_mprage_sag_post', 't1ce'],
      ['T1W_3D_TFE', 'T1W_3D_TFE_GD', 't1ce'],
      ['AX T1', 'AX T1', 't1'],
    ],
    'the description decides before an exam-wide ProtocolName': [
      ['AX T1', 'BRAIN W/WO CONTRAST', 't1'],
      ['AX T1', 'BRAIN WITH AND WITHOUT CONTRAST', 't1'],
      ['AX T1', 'T1 pre and post', 't1'],
      ['AX T1 +C', 'BRAIN W/WO CONTRAST', 't1ce'],
      ['AX T2', 'BRAIN T1 POST', 't2'],
      ['AX FSE', 't2_tse_tra', 't2'],
    ],
  };
  for (const [group, rows] of Object.entries(groups)) {
    describe(group, () => {
      for (const [description, protocol, want] of rows) {
        it(`"${description}"${protocol ? ` | "${protocol}"` : ''} -> ${want}`, () => {
          expect(matchSequence(description, protocol)?.sequence ?? null).toBe(want);
        });
      }
    });
  }
  it('takes custom rules as data', () => {
    expect(matchSequence('PD AX', '', [{ sequence: 't2', pattern: '\\bpd\\b' }])?.sequence).toBe('t2');
  });
  it('keeps the default rules as plain data: every pattern compiles and says what it is for', () => {
    for (const r of DEFAULT_SEQUENCE_RULES) {
      expect(() => new RegExp(r.pattern, 'i')).not.toThrow();
      expect(r.note).toBeTruthy();
    }
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
  it('takes seg, label(s), gt and ground truth as the label, never a mask (usually a brain mask)', () => {
    for (const suffix of ['seg', 'label', 'labels', 'gt', 'GroundTruth', 'seg_GroundTruth', 'seg_gt']) {
      expect(parseBratsName(`P01/P01_${suffix}.nii.gz`), suffix).toEqual({ caseKey: 'P01/P01', role: 'seg' });
    }
    for (const name of ['P01/P01_mask.nii.gz', 'P01/P01-mask.nii.gz', 'P01/P01_brain_mask.nii.gz', 'P01/P01_brainmask.nii', 'P01/P01_t1_mask.nii.gz', 'P01/P01_MASK.nii.gz']) {
      expect(parseBratsName(name), name).toBeNull();
    }
  });
});

describe('orientationCode', () => {
  it('names where each voxel axis points, as nibabel does', () => {
    expect(orientationCode([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toBe('RAS');
    expect(orientationCode([-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toBe('LPS');
    expect(orientationCode([0, 0, -2, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1])).toBe('PSL');
  });
});
