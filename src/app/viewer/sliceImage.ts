/**
 * Slices of a volume for display, pure functions: which voxel axis each view walks,
 * how it is flipped so that the patient's anterior / superior is up, and window/level
 * and label colours. Voxel (i, j, k) is at data[i + nx * (j + ny * k)] (x fastest).
 */
export type ViewAxis = 'axial' | 'coronal' | 'sagittal';
export const VIEW_AXES: readonly ViewAxis[] = ['axial', 'coronal', 'sagittal'];

export interface Grid {
  readonly dims: readonly [number, number, number];
  /** voxel -> RAS mm, row-major 4x4 */
  readonly affine: readonly number[];
}

/** For each voxel axis, the RAS axis (0 R, 1 A, 2 S) it mostly runs along and whether it points there. */
export function axisDirections(affine: readonly number[]): { ras: number; positive: boolean }[] {
  return [0, 1, 2].map((c) => {
    const col = [affine[c]!, affine[4 + c]!, affine[8 + c]!];
    let ras = 0;
    for (let r = 1; r < 3; r++) if (Math.abs(col[r]!) > Math.abs(col[ras]!)) ras = r;
    return { ras, positive: col[ras]! >= 0 };
  });
}

export interface SliceLayout {
  /** the voxel axis the view steps through */
  readonly through: number;
  /** voxel axis shown left->right, and whether it runs backwards on screen */
  readonly across: number;
  readonly flipAcross: boolean;
  /** voxel axis shown top->bottom, and whether it runs backwards on screen */
  readonly down: number;
  readonly flipDown: boolean;
}

/**
 * Radiological convention: the patient's right on the screen's left (so R -> L runs
 * left to right), anterior up in axial views, superior up in coronal and sagittal views.
 */
export function sliceLayout(grid: Grid, view: ViewAxis): SliceLayout {
  const dirs = axisDirections(grid.affine);
  const voxelAxisOf = (ras: number): number => dirs.findIndex((d) => d.ras === ras);
  const [throughRas, acrossRas, downRas] = view === 'axial' ? [2, 0, 1] : view === 'coronal' ? [1, 0, 2] : [0, 1, 2];
  const through = voxelAxisOf(throughRas);
  const across = voxelAxisOf(acrossRas);
  const down = voxelAxisOf(downRas);
  if (through < 0 || across < 0 || down < 0) return { through: 2, across: 0, flipAcross: false, down: 1, flipDown: true };
  // screen x grows to the patient's left (-R) for axial/coronal; to posterior (-A) for sagittal
  const flipAcross = dirs[across]!.positive;
  // screen y grows downwards: towards posterior (axial) or inferior (coronal/sagittal)
  const flipDown = dirs[down]!.positive;
  return { through, across, flipAcross, down, flipDown };
}

export function sliceCount(grid: Grid, view: ViewAxis): number {
  return grid.dims[sliceLayout(grid, view).through]!;
}

/** The voxel indices of one slice, in screen order (row by row). */
export function sliceIndices(grid: Grid, view: ViewAxis, slice: number): { width: number; height: number; index: Uint32Array } {
  const L = sliceLayout(grid, view);
  const [nx, ny] = grid.dims;
  const width = grid.dims[L.across]!;
  const height = grid.dims[L.down]!;
  const index = new Uint32Array(width * height);
  const ijk = [0, 0, 0];
  ijk[L.through] = Math.min(Math.max(0, slice), grid.dims[L.through]! - 1);
  for (let y = 0; y < height; y++) {
    ijk[L.down] = L.flipDown ? height - 1 - y : y;
    for (let x = 0; x < width; x++) {
      ijk[L.across] = L.flipAcross ? width - 1 - x : x;
      index[y * width + x] = ijk[0]! + nx * (ijk[1]! + ny * ijk[2]!);
    }
  }
  return { width, height, index };
}

/** A window/level from the 1st and 99.5th percentiles of the non-zero voxels. */
export function autoWindow(data: Float32Array): { level: number; width: number } {
  const sample: number[] = [];
  const step = Math.max(1, Math.floor(data.length / 200_000));
  for (let i = 0; i < data.length; i += step) if (data[i] !== 0) sample.push(data[i]!);
  if (sample.length === 0) return { level: 0.5, width: 1 };
  sample.sort((a, b) => a - b);
  const lo = sample[Math.floor(sample.length * 0.01)]!;
  const hi = sample[Math.min(sample.length - 1, Math.floor(sample.length * 0.995))]!;
  return { level: (lo + hi) / 2, width: Math.max(1e-6, hi - lo) };
}

export type LabelColours = Readonly<Record<number, readonly [number, number, number]>>;

/** BraTS label colours: necrotic core red, oedema green, enhancing tumour yellow. */
export const LABEL_COLOURS: LabelColours = {
  1: [230, 40, 40],
  2: [40, 200, 70],
  4: [250, 220, 0],
};

/**
 * The mask colour schemes, by key: the BraTS convention, whose red and green a reader
 * with red-green colour blindness (about 1 man in 12) cannot tell apart, and one from
 * Okabe and Ito's colour-blind safe palette (vermillion, sky blue, yellow).
 */
export const LABEL_PALETTES: Readonly<Record<string, { readonly name: string; readonly colours: LabelColours }>> = {
  brats: { name: 'BraTS', colours: LABEL_COLOURS },
  'colour-blind': { name: 'Colour-blind safe', colours: { 1: [213, 94, 0], 2: [86, 180, 233], 4: [240, 228, 66] } },
};

/** The palette of `key`; an unknown key fails naming it and the known ones. */
export function labelPalette(key: string): LabelColours {
  const p = LABEL_PALETTES[key];
  if (!p) throw new Error(`unknown mask colour scheme "${key}"; known: ${Object.keys(LABEL_PALETTES).join(', ')}`);
  return p.colours;
}

export interface RenderOptions {
  readonly level: number;
  readonly width: number;
  /** 0..1 */
  readonly opacity: number;
  /** labels drawn (1, 2, 4) */
  readonly labels: ReadonlySet<number>;
  /** the label colours (LABEL_COLOURS when not given) */
  readonly colours?: LabelColours;
}

/** RGBA pixels of the slice: grey image, label colours blended over it. */
export function renderSlice(image: Float32Array, mask: Uint8Array | undefined, grid: Grid, view: ViewAxis, slice: number, o: RenderOptions): { width: number; height: number; rgba: Uint8ClampedArray } {
  const { width, height, index } = sliceIndices(grid, view, slice);
  const rgba = new Uint8ClampedArray(new ArrayBuffer(width * height * 4));
  const lo = o.level - o.width / 2;
  for (let p = 0; p < index.length; p++) {
    const v = index[p]!;
    const g = Math.round(((image[v]! - lo) / o.width) * 255);
    let r = g;
    let gg = g;
    let b = g;
    const l = mask ? (mask[v] === 3 ? 4 : mask[v]!) : 0;
    const colour = l ? (o.colours ?? LABEL_COLOURS)[l] : undefined;
    if (colour && o.labels.has(l)) {
      r = r * (1 - o.opacity) + colour[0] * o.opacity;
      gg = gg * (1 - o.opacity) + colour[1] * o.opacity;
      b = b * (1 - o.opacity) + colour[2] * o.opacity;
    }
    rgba[p * 4] = r;
    rgba[p * 4 + 1] = gg;
    rgba[p * 4 + 2] = b;
    rgba[p * 4 + 3] = 255;
  }
  return { width, height, rgba };
}

/** The slice through the mask's largest cross-section along the view's axis (or the middle). */
export function bestSlice(mask: Uint8Array | undefined, grid: Grid, view: ViewAxis): number {
  const L = sliceLayout(grid, view);
  const n = grid.dims[L.through]!;
  if (!mask) return Math.floor(n / 2);
  const counts = new Uint32Array(n);
  const [nx, ny] = grid.dims;
  for (let v = 0; v < mask.length; v++) {
    if (!mask[v]) continue;
    const i = v % nx;
    const j = Math.floor(v / nx) % ny;
    const k = Math.floor(v / (nx * ny));
    counts[[i, j, k][L.through]!]!++;
  }
  let best = Math.floor(n / 2);
  for (let s = 0; s < n; s++) if (counts[s]! > counts[best]!) best = s;
  return best;
}
