/**
 * One measured figure of `npm run bench`. Benchmarks are never tests: they write their
 * figures to bench/results.json and a markdown table. Machines here are shared and
 * noisy, so figures are compared as ratios measured in the same run (`ratio` against
 * the row named by `baseline`).
 */
export interface BenchRow {
  /** which benchmark, e.g. "model", "kernels", "io", "aggregation" */
  readonly suite: string;
  /** what was measured, e.g. "train step tiny" */
  readonly name: string;
  /** backend or variant, e.g. "cpu", "wasm", "webgpu (SwiftShader)", "stock", "fast" */
  readonly variant: string;
  readonly value: number;
  readonly unit: string;
  /** value relative to the baseline variant measured in the same run */
  readonly ratio?: number;
  readonly baseline?: string;
  readonly note?: string;
  /** the `fedseg bench --suite` name that made it (several may share a `suite`: dicom's rows are io's) */
  readonly run?: string;
  /** the machine and time that measured it (bench/results.json may hold rows of several runs) */
  readonly machine?: string;
  readonly when?: string;
}
