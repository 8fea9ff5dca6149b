/**
 * A small line chart over uPlot: x values and one or more named series, appended point
 * by point. It keeps its width to its container's and carries the values as a table
 * (folded under the plot) for people who cannot see it.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from '../dom.ts';

/** tick spacings on the x axis, whose values are whole numbers */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

/** a value as the legend and the table show it: 4 significant digits, or a dash for none */
function pointText(v: number | null): string {
  return v !== null && Number.isFinite(v) ? String(Number(v.toPrecision(4))) : '–';
}

/** the last finite value of a column, or a dash */
function latestText(col: readonly number[], suffix = ''): string {
  for (let k = col.length - 1; k >= 0; k--) if (Number.isFinite(col[k])) return pointText(col[k]!) + suffix;
  return '–';
}

export interface SeriesSpec {
  readonly label: string;
  /** a CSS colour */
  readonly stroke: string;
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly SeriesSpec[];
  readonly height?: number;
  readonly yRange?: readonly [number, number];
}

export class LineChart {
  readonly element: HTMLElement;
  private readonly plotHost: HTMLElement;
  /** the same points as a table, for people who cannot see the plot */
  private readonly tableBody: HTMLTableSectionElement;
  private readonly xs: number[] = [];
  private readonly ys: number[][];
  private plot: uPlot | undefined;
  private readonly resize: ResizeObserver;
  private pending = false;

  constructor(private readonly opts: LineChartOptions) {
    this.ys = opts.series.map(() => []);
    this.plotHost = h('div', { className: 'chart-plot', attrs: { role: 'img', 'aria-label': opts.title } });
    this.tableBody = h('tbody');
    const head = h('tr', {}, h('th', { text: opts.xLabel, attrs: { scope: 'col' } }), ...opts.series.map((s) => h('th', { text: s.label, attrs: { scope: 'col' } })));
    const table = h('details', { className: 'chart-table' }, h('summary', { text: `Show the values: ${opts.title}` }), h('table', {}, h('caption', { className: 'visually-hidden', text: opts.title }), h('thead', {}, head), this.tableBody));
    this.element = h('figure', { className: 'chart' }, h('figcaption', { text: opts.title }), this.plotHost, table);
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(this.element);
  }

  /** Appends one x and a y for each series (NaN leaves a gap). */
  add(x: number, ys: readonly number[]): void {
    this.xs.push(x);
    this.ys.forEach((col, i) => col.push(ys[i] ?? Number.NaN));
    const cell = (v: number): HTMLElement => h('td', { text: pointText(v) });
    this.tableBody.append(h('tr', {}, h('th', { text: String(x), attrs: { scope: 'row' } }), ...this.ys.map((col) => cell(col.at(-1) ?? Number.NaN))));
    this.schedule();
  }

  clear(): void {
    this.xs.length = 0;
    for (const col of this.ys) col.length = 0;
    this.tableBody.replaceChildren();
    this.schedule();
  }

  get points(): number {
    return this.xs.length;
  }

  /** the data as [x, y1, y2, ...] rows */
  rows(): number[][] {
    return this.xs.map((x, i) => [x, ...this.ys.map((c) => c[i] ?? Number.NaN)]);
  }

  dispose(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }

  /** redraws at most once per animation frame, so that a burst of points costs one draw */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private data(): uPlot.AlignedData {
    const nanToNull = (v: number): number | null => (Number.isFinite(v) ? v : null);
    return [this.xs, ...this.ys.map((c) => c.map(nanToNull))] as uPlot.AlignedData;
  }

  private draw(): void {
    if (!this.plot) {
      const width = this.width();
      if (width <= 0) return;
      const range = this.opts.yRange;
      this.plot = new uPlot(
        {
          width,
          height: this.opts.height ?? 220,
          scales: { x: { time: false }, ...(range ? { y: { range: [range[0], range[1]] } } : {}) },
          // x counts rounds or steps: whole-number ticks only
          axes: [{ label: this.opts.xLabel, incrs: WHOLE_STEPS }, { label: this.opts.yLabel }],
          // the legend shows the hovered point, and the latest one otherwise (uPlot's own shows "--")
          series: [
            { label: this.opts.xLabel, value: (_u: uPlot, v: number | null, _s: number, idx: number | null) => (idx === null ? latestText(this.xs, ' (latest)') : pointText(v)) },
            ...this.opts.series.map((s, i) => ({
              label: s.label, stroke: s.stroke, width: 2, spanGaps: true,
              value: (_u: uPlot, v: number | null, _s: number, idx: number | null) => (idx === null ? latestText(this.ys[i]!) : pointText(v)),
            })),
          ],
          legend: { show: true },
        },
        this.data(),
        this.plotHost,
      );
      return;
    }
    this.plot.setData(this.data());
  }

  private width(): number {
    return Math.max(0, Math.floor(this.element.clientWidth) - 8);
  }

  private fit(): void {
    if (!this.plot) {
      // create the plot as soon as the chart has a width, so that the first point costs
      // a redraw and not a whole construction while training runs
      this.draw();
      return;
    }
    const width = this.width();
    if (width > 0 && Math.abs(width - this.plot.width) > 2) this.plot.setSize({ width, height: this.plot.height });
  }
}
