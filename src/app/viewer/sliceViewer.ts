/**
 * One view (axial, coronal or sagittal) of a volume with a label overlay on a canvas:
 * scroll with the wheel, the arrow keys or the slider. Pixels are drawn with
 * putImageData (no inline styles; CSS scales the canvas).
 */
import { h } from '../dom.ts';
import { bestSlice, renderSlice, sliceCount, sliceIndices, type Grid, type RenderOptions, type ViewAxis } from './sliceImage.ts';

export class SliceViewer {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly slider: HTMLInputElement;
  private readonly label: HTMLElement;
  private slice: number;

  constructor(
    private readonly grid: Grid,
    private readonly view: ViewAxis,
    private readonly title: string,
    private image: Float32Array,
    private readonly mask: Uint8Array | undefined,
    private options: RenderOptions,
    testId: string,
  ) {
    const n = sliceCount(grid, view);
    this.slice = bestSlice(mask, grid, view);
    this.canvas = h('canvas', { className: 'slice-canvas', attrs: { tabindex: 0, role: 'img', 'aria-label': `${title}, ${view}`, 'data-testid': testId } });
    this.slider = h('input', { attrs: { type: 'range', min: 0, max: n - 1, step: 1, 'aria-label': `${title} ${view} slice` } });
    this.slider.value = String(this.slice);
    this.label = h('span', { className: 'muted' });
    this.slider.addEventListener('input', () => this.show(Number(this.slider.value)));
    this.canvas.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      this.show(this.slice + (ev.deltaY > 0 ? 1 : -1));
    }, { passive: false });
    this.canvas.addEventListener('keydown', (ev) => {
      const d = ev.key === 'ArrowUp' || ev.key === 'ArrowRight' ? 1 : ev.key === 'ArrowDown' || ev.key === 'ArrowLeft' ? -1 : ev.key === 'PageUp' ? 10 : ev.key === 'PageDown' ? -10 : 0;
      if (d) {
        ev.preventDefault();
        this.show(this.slice + d);
      }
    });
    this.element = h('figure', { className: 'slice-view' }, h('figcaption', { text: `${title} · ${view}` }), this.canvas, h('div', { className: 'slice-controls' }, this.slider, this.label));
    this.draw();
    // the same probe as the Cornerstone viewer's: each voxel of the slice at its pixel's centre
    (this.canvas as HTMLCanvasElement & { fedsegProbe?: () => unknown }).fedsegProbe = () => {
      const { width, index } = sliceIndices(this.grid, this.view, this.slice);
      return { canvas: this.canvas, samples: [...index].map((voxel, p) => ({ voxel, x: (p % width) + 0.5, y: Math.floor(p / width) + 0.5 })) };
    };
  }

  get currentSlice(): number {
    return this.slice;
  }

  setOptions(o: RenderOptions): void {
    this.options = o;
    this.draw();
  }

  setImage(image: Float32Array): void {
    this.image = image;
    this.draw();
  }

  show(slice: number): void {
    const n = sliceCount(this.grid, this.view);
    this.slice = Math.min(n - 1, Math.max(0, slice));
    this.slider.value = String(this.slice);
    this.draw();
  }

  private draw(): void {
    const { width, height, rgba } = renderSlice(this.image, this.mask, this.grid, this.view, this.slice, this.options);
    this.canvas.width = width;
    this.canvas.height = height;
    this.canvas.getContext('2d')?.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
    this.label.textContent = `slice ${this.slice + 1} of ${sliceCount(this.grid, this.view)}`;
  }
}
