/**
 * What the case storage harness page (caseStorageHarness.ts) offers
 * e2e/caseStorage.spec.ts: the name of its global and the shape of its report. No
 * runtime dependencies, so both the page bundle and the Node-side spec import it.
 */
export const CASE_STORAGE_HARNESS_GLOBAL = 'fedsegCaseStorageHarness';

export interface CaseStorageReport {
  /** the ids stored for the federation after keeping its three cases */
  readonly storedIds: string[];
  /** the patches drawn through the stored cases equal those drawn from the arrays, batch by batch */
  readonly samePatches: boolean[];
  /** reads from IndexedDB while the patches were drawn, and the cases the cache holds after */
  readonly reads: number;
  readonly cachedIds: string[];
  /** a case read back from IndexedDB: its image's type, and whether image and label equal the kept ones */
  readonly readBack: { readonly imageType: string; readonly imageEqual: boolean; readonly labelEqual: boolean; readonly imageBox: unknown };
  /** the manifest as read back, without its baseUrl */
  readonly manifest: unknown;
  /** after deleteCases: the federation's stored ids, whether its manifest is gone, the other federation's ids */
  readonly afterDelete: { readonly ids: string[]; readonly manifestGone: boolean; readonly otherIds: string[] };
  /** what loading a case no longer stored (nor held) gives: its code and message */
  readonly missing: { readonly code: string; readonly message: string };
}

export interface CaseStorageHarness {
  run(): Promise<CaseStorageReport>;
}
