/** The chart series of the three tumour regions, one colour each wherever the page plots them. */
import { REGIONS, type Region } from '../../core/types/labels.ts';
import type { SeriesSpec } from './lineChart.ts';

const STROKES: Readonly<Record<Region, string>> = { ET: '#d35400', TC: '#8e44ad', WT: '#27ae60' };

export const REGION_SERIES: readonly SeriesSpec[] = REGIONS.map((r) => ({ label: r, stroke: STROKES[r] }));
