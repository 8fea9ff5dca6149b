/**
 * The review's Cornerstone3D (5.x) viewer: one image volume built from the page's own
 * reader output (createLocalVolume, LPS world coordinates), shown in axial, coronal and
 * sagittal orthographic viewports per mask (prediction, and the expert label when there
 * is one). Each mask is a derived labelmap volume shown with the segmentation API
 * (segment index = BraTS label 1, 2, 4; one colour each; opacity; per-label visibility).
 * Tools: window/level (left drag), pan (middle drag), zoom (right drag), slice scroll
 * (wheel); the arrow keys and a slider scroll too. The rows are linked: the views of one
 * orientation show the same slice, pan and zoom (Cornerstone's camera synchronizer), and
 * start on the slice with the most of the expert label (of the prediction when there is
 * none), so that the prediction and the expert label are compared on the same anatomy.
 */
import {
  cache,
  Enums as CoreEnums,
  getShouldUseCPURendering,
  init as coreInit,
  RenderingEngine,
  utilities as csUtils,
  volumeLoader,
  type Types,
} from '@cornerstonejs/core';
import {
  addTool,
  Enums as ToolEnums,
  init as toolsInit,
  PanTool,
  segmentation,
  StackScrollTool,
  SynchronizerManager,
  synchronizers,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import { LABEL_NAMES } from '../../core/types/labels.ts';
import { h } from '../dom.ts';
import { axisAlong, indexAlong, lpsGeometry, voxelToWorld, type LpsGeometry } from './lpsGeometry.ts';
import { bestSlice, labelPalette, VIEW_AXES, type Grid, type ViewAxis } from './sliceImage.ts';

let ready: Promise<boolean> | undefined;

/** Cornerstone's colour LUT index of each mask palette (its LUTs are global: added once each) */
const paletteLuts = new Map<string, number>();

function paletteLut(key: string): number {
  let index = paletteLuts.get(key);
  if (index === undefined) {
    const colours = labelPalette(key);
    // segment index = BraTS label; 3 is never drawn (read as 4)
    const lut: Types.ColorLUT = [[0, 0, 0, 0], ...[1, 2, 3, 4].map((l) => {
      const c = colours[l];
      return (c ? [c[0], c[1], c[2], 255] : [0, 0, 0, 0]) as Types.Color;
    })];
    index = segmentation.config.color.addColorLUT(lut);
    paletteLuts.set(key, index);
  }
  return index;
}

/** Initialises Cornerstone3D once; false when it cannot render volumes (no WebGL). */
export function initCornerstone(): Promise<boolean> {
  ready ??= (async () => {
    try {
      coreInit();
      if (getShouldUseCPURendering()) return false;
      toolsInit();
      for (const tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool]) addTool(tool);
      return true;
    } catch {
      return false;
    }
  })();
  return ready;
}

/** What a test may ask a viewport element: where each voxel of the shown slice is on its canvas. */
export interface ViewProbe {
  /** the canvas whose pixels are shown */
  readonly canvas: HTMLCanvasElement;
  /** voxel index (x fastest) and its centre in canvas pixels */
  readonly samples: { voxel: number; x: number; y: number }[];
}

export interface ReviewMask {
  readonly title: string;
  /** used in data-testid: view-<id>-<axis> */
  readonly id: string;
  /** BraTS labels per voxel (0, 1, 2, 4; 3 is read as 4) */
  readonly data: Uint8Array;
}

export interface CornerstoneReviewOptions {
  readonly grid: Grid;
  readonly image: Float32Array;
  /** one row each, the prediction first; the rows start on the best slice of the last (the expert label, when there is one) */
  readonly masks: readonly ReviewMask[];
  readonly level: number;
  readonly width: number;
  readonly opacity: number;
  /** the key of the mask colours in LABEL_PALETTES */
  readonly palette: string;
  /** called when the window/level tool changes the window */
  readonly onWindow: (level: number, width: number) => void;
}

const ORIENTATION: Record<ViewAxis, CoreEnums.OrientationAxis> = {
  axial: CoreEnums.OrientationAxis.AXIAL,
  coronal: CoreEnums.OrientationAxis.CORONAL,
  sagittal: CoreEnums.OrientationAxis.SAGITTAL,
};

interface ViewEntry {
  readonly viewportId: string;
  readonly element: HTMLDivElement;
  readonly slider: HTMLInputElement;
  readonly label: HTMLElement;
  readonly axis: ViewAxis;
  readonly mask: ReviewMask;
  readonly segmentationId: string;
}

export class CornerstoneReview {
  /** one row per mask, each with three figures */
  readonly rows: HTMLElement[] = [];
  private readonly engine: RenderingEngine;
  private readonly views: ViewEntry[] = [];
  private readonly geometry: LpsGeometry;
  private readonly volumeId: string;
  private readonly toolGroupId: string;
  private readonly labelmapIds: string[] = [];
  private readonly cleanups: (() => void)[] = [];
  private level: number;
  private width: number;

  private constructor(private readonly o: CornerstoneReviewOptions, uid: string) {
    this.level = o.level;
    this.width = o.width;
    this.geometry = lpsGeometry(o.grid.affine);
    this.volumeId = `fedseg-review-${uid}`;
    this.toolGroupId = `fedseg-review-tools-${uid}`;
    this.engine = new RenderingEngine(`fedseg-review-engine-${uid}`);
    for (const mask of o.masks) {
      const segmentationId = `fedseg-seg-${mask.id}-${uid}`;
      const figures = VIEW_AXES.map((axis) => {
        const viewportId = `fedseg-vp-${mask.id}-${axis}-${uid}`;
        const element = h('div', { className: 'slice-canvas cornerstone-view', attrs: { tabindex: 0, role: 'img', 'aria-label': `${mask.title}, ${axis}`, 'data-testid': `view-${mask.id}-${axis}` } });
        element.addEventListener('contextmenu', (ev) => ev.preventDefault());
        const slider = h('input', { attrs: { type: 'range', min: 0, max: 0, step: 1, 'aria-label': `${mask.title} ${axis} slice` } });
        const label = h('span', { className: 'muted' });
        this.views.push({ viewportId, element, slider, label, axis, mask, segmentationId });
        return h('figure', { className: 'slice-view' }, h('figcaption', { text: `${mask.title} · ${axis}` }), element, h('div', { className: 'slice-controls' }, slider, label));
      });
      this.rows.push(h('div', { className: 'viewer-row' }, ...figures));
    }
  }

  /** Builds the viewer; call mount() once its rows are in the document. Null without WebGL. */
  static async create(o: CornerstoneReviewOptions): Promise<CornerstoneReview | null> {
    if (!(await initCornerstone())) return null;
    return new CornerstoneReview(o, crypto.randomUUID().replace(/-/g, ''));
  }

  /** Creates the volumes, viewports, segmentations and tools (the rows must be attached, with a size). */
  async mount(): Promise<void> {
    const { grid, image } = this.o;
    const g = this.geometry;
    const dims = [...grid.dims] as Types.Point3;
    volumeLoader.createLocalVolume(this.volumeId, {
      dimensions: dims,
      spacing: [...g.spacing] as Types.Point3,
      origin: [...g.origin] as Types.Point3,
      direction: [...g.direction] as Types.Mat3,
      scalarData: new Float32Array(image),
      metadata: {
        BitsAllocated: 32, BitsStored: 32, SamplesPerPixel: 1, HighBit: 31,
        PhotometricInterpretation: 'MONOCHROME2', PixelRepresentation: 1, Modality: 'MR',
        ImageOrientationPatient: g.direction.slice(0, 6), PixelSpacing: [g.spacing[1], g.spacing[0]],
        FrameOfReferenceUID: `fedseg-for-${this.volumeId}`, Columns: dims[0], Rows: dims[1],
        voiLut: [{ windowCenter: this.level, windowWidth: this.width }], VOILUTFunction: 'LINEAR',
      } as Types.Metadata,
    });

    this.engine.setViewports(this.views.map((v) => ({
      viewportId: v.viewportId,
      type: CoreEnums.ViewportType.ORTHOGRAPHIC,
      element: v.element,
      defaultOptions: { orientation: ORIENTATION[v.axis], background: [0, 0, 0] as Types.RGB },
    })));

    const toolGroup = ToolGroupManager.createToolGroup(this.toolGroupId)!;
    for (const t of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool]) toolGroup.addTool(t.toolName);
    toolGroup.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
    toolGroup.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
    toolGroup.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
    toolGroup.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Wheel }] });
    for (const v of this.views) toolGroup.addViewport(v.viewportId, this.engine.id);

    await Promise.all(this.views.map((v) => {
      const vp = this.viewport(v);
      return vp.setVolumes([{ volumeId: this.volumeId }]);
    }));

    // one labelmap per mask, one colour per BraTS label (segment index = label)
    const lutIndex = paletteLut(this.o.palette);
    for (const mask of this.o.masks) {
      const segmentationId = this.views.find((v) => v.mask === mask)!.segmentationId;
      const labelmapId = `${segmentationId}-labelmap`;
      const labelmap = volumeLoader.createAndCacheDerivedLabelmapVolume(this.volumeId, { volumeId: labelmapId });
      const labels = new Uint8Array(mask.data.length);
      for (let i = 0; i < labels.length; i++) labels[i] = mask.data[i] === 3 ? 4 : mask.data[i]!;
      labelmap.voxelManager?.setCompleteScalarDataArray?.(labels);
      this.labelmapIds.push(labelmapId);
      segmentation.addSegmentations([{
        segmentationId,
        representation: { type: ToolEnums.SegmentationRepresentations.Labelmap, data: { volumeId: labelmapId } },
        // the segments must exist for per-segment visibility
        config: {
          label: mask.title,
          segments: Object.fromEntries(([1, 2, 4] as const).map((l) => [l, { segmentIndex: l, label: LABEL_NAMES[l], locked: true, active: l === 1, cachedStats: {} }])),
        },
      }]);
      for (const v of this.views.filter((x) => x.mask === mask)) {
        await segmentation.addLabelmapRepresentationToViewport(v.viewportId, [{ segmentationId, config: { colorLUTOrIndex: lutIndex } }]);
      }
    }
    this.setOpacity(this.o.opacity);

    for (const v of this.views) this.wire(v);
    this.setWindow(this.level, this.width);
    // one orientation, one camera across the rows
    for (const axis of VIEW_AXES) {
      const linked = this.views.filter((v) => v.axis === axis);
      if (linked.length < 2) continue;
      const id = `${this.toolGroupId}-${axis}`;
      const sync = synchronizers.createCameraPositionSynchronizer(id);
      for (const v of linked) sync.add({ renderingEngineId: this.engine.id, viewportId: v.viewportId });
      this.cleanups.push(() => SynchronizerManager.destroySynchronizer(id));
    }
    // the slice with the most of the last mask (the expert label, when there is one): the tumour as it is known
    const tumour = this.o.masks.at(-1)?.data;
    for (const v of this.views) this.jumpToVoxelSlice(v, bestSlice(tumour, this.o.grid, v.axis));
    this.engine.render();
    // keep the viewports' canvases the size of their elements
    const observer = new ResizeObserver(() => this.engine.resize(true, true));
    for (const v of this.views) observer.observe(v.element);
    this.cleanups.push(() => observer.disconnect());
  }

  private viewport(v: ViewEntry): Types.IVolumeViewport {
    return this.engine.getViewport(v.viewportId) as Types.IVolumeViewport;
  }

  private wire(v: ViewEntry): void {
    const vp = this.viewport(v);
    const sync = (): void => {
      const n = vp.getNumberOfSlices();
      const s = vp.getSliceIndex();
      v.slider.max = String(n - 1);
      v.slider.value = String(s);
      v.label.textContent = `slice ${s + 1} of ${n}`;
    };
    const onVoi = (ev: Event): void => {
      const range = (ev as CustomEvent<{ range: Types.VOIRange }>).detail.range;
      const width = range.upper - range.lower;
      const level = (range.upper + range.lower) / 2;
      if (Math.abs(width - this.width) > 1e-6 * Math.max(1, Math.abs(this.width)) || Math.abs(level - this.level) > 1e-6 * Math.max(1, Math.abs(this.level))) {
        this.level = level;
        this.width = width;
        this.o.onWindow(level, width);
        for (const other of this.views) if (other !== v) this.viewport(other).setProperties({ voiRange: range }, this.volumeId, true);
        this.engine.render();
      }
    };
    v.element.addEventListener(CoreEnums.Events.CAMERA_MODIFIED, sync);
    v.element.addEventListener(CoreEnums.Events.VOI_MODIFIED, onVoi);
    v.slider.addEventListener('input', () => void csUtils.jumpToSlice(v.element, { imageIndex: Number(v.slider.value) }));
    v.element.addEventListener('keydown', (ev) => {
      const d = ev.key === 'ArrowUp' || ev.key === 'ArrowRight' ? 1 : ev.key === 'ArrowDown' || ev.key === 'ArrowLeft' ? -1 : ev.key === 'PageUp' ? 10 : ev.key === 'PageDown' ? -10 : 0;
      if (!d) return;
      ev.preventDefault();
      const n = vp.getNumberOfSlices();
      void csUtils.jumpToSlice(v.element, { imageIndex: Math.min(n - 1, Math.max(0, vp.getSliceIndex() + d)) });
    });
    const probed = v.element as HTMLDivElement & { fedsegProbe?: () => ViewProbe; fedsegCacheBytes?: () => number };
    probed.fedsegProbe = () => this.probe(v);
    // the bytes of images in Cornerstone's cache, for a test that a disposed viewer left none
    probed.fedsegCacheBytes = () => cache.getCacheSize();
    sync();
  }

  /** Moves a view to the plane through voxel index `index` along the view's through axis. */
  private jumpToVoxelSlice(v: ViewEntry, index: number): void {
    const vp = this.viewport(v);
    const cam = vp.getCamera();
    const normal = cam.viewPlaneNormal!;
    const axis = axisAlong(this.geometry, normal);
    const ijk = [0, 0, 0];
    ijk[axis] = index;
    const target = voxelToWorld(this.geometry, ijk);
    const focal = cam.focalPoint!;
    const pos = cam.position!;
    let d = 0;
    for (let k = 0; k < 3; k++) d += (target[k]! - focal[k]!) * normal[k]!;
    vp.setCamera({
      focalPoint: [focal[0] + d * normal[0], focal[1] + d * normal[1], focal[2] + d * normal[2]],
      position: [pos[0] + d * normal[0], pos[1] + d * normal[1], pos[2] + d * normal[2]],
    });
  }

  private probe(v: ViewEntry): ViewProbe {
    const vp = this.viewport(v);
    const cam = vp.getCamera();
    const g = this.geometry;
    const through = axisAlong(g, cam.viewPlaneNormal!);
    const dims = this.o.grid.dims;
    const slice = indexAlong(g, through, cam.focalPoint!);
    const canvas = vp.canvas;
    const scale = canvas.width / Math.max(1, canvas.clientWidth);
    const samples: ViewProbe['samples'] = [];
    const [a, b] = [0, 1, 2].filter((x) => x !== through) as [number, number];
    const ijk = [0, 0, 0];
    ijk[through] = slice;
    if (slice < 0 || slice >= dims[through]!) return { canvas, samples };
    for (let p = 0; p < dims[a]!; p++) {
      for (let q = 0; q < dims[b]!; q++) {
        ijk[a] = p;
        ijk[b] = q;
        const [x, y] = vp.worldToCanvas(voxelToWorld(g, ijk));
        samples.push({ voxel: ijk[0]! + dims[0] * (ijk[1]! + dims[1] * ijk[2]!), x: x * scale, y: y * scale });
      }
    }
    return { canvas, samples };
  }

  setOpacity(opacity: number): void {
    segmentation.config.style.setStyle(
      { type: ToolEnums.SegmentationRepresentations.Labelmap },
      { fillAlpha: opacity, fillAlphaInactive: opacity, renderOutline: false, renderOutlineInactive: false, outlineOpacity: 0, outlineOpacityInactive: 0 },
    );
    this.engine.render();
  }

  /** Draws the masks in another palette of LABEL_PALETTES. */
  setPalette(key: string): void {
    const lut = paletteLut(key);
    for (const v of this.views) segmentation.config.color.setColorLUT(v.viewportId, v.segmentationId, lut);
    this.engine.render();
  }

  setLabelVisible(label: number, visible: boolean): void {
    for (const v of this.views) {
      segmentation.config.visibility.setSegmentIndexVisibility(v.viewportId, { segmentationId: v.segmentationId, type: ToolEnums.SegmentationRepresentations.Labelmap }, label, visible);
    }
    this.engine.render();
  }

  setWindow(level: number, width: number): void {
    this.level = level;
    this.width = width;
    const voiRange = { lower: level - width / 2, upper: level + width / 2 };
    for (const v of this.views) this.viewport(v).setProperties({ voiRange }, this.volumeId, true);
    this.engine.render();
  }

  /** Shows another sequence of the same grid. */
  setImage(image: Float32Array, level: number, width: number): void {
    const volume = cache.getVolume(this.volumeId);
    volume?.voxelManager?.setCompleteScalarDataArray?.(new Float32Array(image));
    volume?.modified?.();
    this.setWindow(level, width);
  }

  dispose(): void {
    for (const c of this.cleanups) c();
    try {
      for (const v of this.views) segmentation.removeSegmentationRepresentations(v.viewportId, { segmentationId: v.segmentationId });
      for (const v of new Set(this.views.map((x) => x.segmentationId))) segmentation.removeSegmentation(v);
    } catch { /* already gone */ }
    ToolGroupManager.destroyToolGroup(this.toolGroupId);
    this.engine.destroy();
    // Cornerstone 5 builds a volume of cached slice images: removing the volume leaves
    // them in the cache (up to its 3 GB budget), so each review would add its scans
    for (const id of [...this.labelmapIds, this.volumeId]) {
      const imageIds = cache.getVolume(id)?.imageIds ?? [];
      if (cache.getVolume(id)) cache.removeVolumeLoadObject(id);
      for (const imageId of imageIds) if (cache.getImage(imageId)) cache.removeImageLoadObject(imageId, { force: true });
    }
  }

}
