import { describe, expect, it } from 'vitest';
import { bestSlice, renderSlice, sliceIndices, sliceLayout, LABEL_COLOURS, labelPalette } from './sliceImage.ts';

const ras = { dims: [4, 3, 2] as const, affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };
const lps = { dims: [4, 3, 2] as const, affine: [-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };

describe('sliceLayout', () => {
  it('puts the patient right on the screen left and anterior up in axial views', () => {
    const L = sliceLayout(ras, 'axial');
    expect([L.through, L.across, L.down]).toEqual([2, 0, 1]);
    // RAS: i grows to the right, so it runs backwards on screen; j grows anterior, so down is flipped
    expect([L.flipAcross, L.flipDown]).toEqual([true, true]);
    const M = sliceLayout(lps, 'axial');
    expect([M.flipAcross, M.flipDown]).toEqual([false, false]);
  });

  it('steps through j in coronal and i in sagittal views', () => {
    expect(sliceLayout(ras, 'coronal').through).toBe(1);
    expect(sliceLayout(ras, 'sagittal').through).toBe(0);
  });
});

describe('sliceIndices and renderSlice', () => {
  it('reads each voxel of the slice once, in screen order', () => {
    const { width, height, index } = sliceIndices(lps, 'axial', 1);
    expect([width, height]).toEqual([4, 3]);
    expect(index[0]).toBe(0 + 4 * (0 + 3 * 1));
    expect(new Set(index).size).toBe(12);
  });

  it('colours labelled voxels and leaves the others grey', () => {
    const image = new Float32Array(24).fill(1);
    const mask = new Uint8Array(24);
    mask[0 + 4 * (0 + 3 * 1)] = 4;
    const out = renderSlice(image, mask, lps, 'axial', 1, { level: 0.5, width: 1, opacity: 1, labels: new Set([1, 2, 4]) });
    expect([...out.rgba.slice(0, 3)]).toEqual([...LABEL_COLOURS[4]!]);
    expect([...out.rgba.slice(4, 7)]).toEqual([255, 255, 255]);
    const hidden = renderSlice(image, mask, lps, 'axial', 1, { level: 0.5, width: 1, opacity: 1, labels: new Set([1, 2]) });
    expect([...hidden.rgba.slice(0, 3)]).toEqual([255, 255, 255]);
  });

  it('draws with the palette it is given; an unknown palette is named in the error', () => {
    const image = new Float32Array(24).fill(1);
    const mask = new Uint8Array(24);
    mask[0 + 4 * (0 + 3 * 1)] = 2;
    const colours = labelPalette('colour-blind');
    const out = renderSlice(image, mask, lps, 'axial', 1, { level: 0.5, width: 1, opacity: 1, labels: new Set([1, 2, 4]), colours });
    expect([...out.rgba.slice(0, 3)]).toEqual([...colours[2]!]);
    expect(colours[2]).not.toEqual(LABEL_COLOURS[2]);
    expect(labelPalette('brats')).toBe(LABEL_COLOURS);
    expect(() => labelPalette('rainbow')).toThrow('unknown mask colour scheme "rainbow"; known: brats, colour-blind');
  });

  it('bestSlice finds the slice with most labelled voxels', () => {
    const mask = new Uint8Array(24);
    mask[1 + 4 * (1 + 3 * 1)] = 2;
    expect(bestSlice(mask, lps, 'axial')).toBe(1);
  });
});
