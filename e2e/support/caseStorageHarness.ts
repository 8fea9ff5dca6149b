/**
 * The page side of e2e/caseStorage.spec.ts: bundled with esbuild and loaded into
 * Chromium, it keeps three cases through the page's own code (ParticipationCases over
 * siteStore's IndexedDB records) with a cache that holds one case, draws patches
 * through them as training does, and reports what IndexedDB held and gave back.
 */
import { caseBytes, CaseCache } from '../../src/core/train/caseCache.ts';
import { PatchSampler } from '../../src/core/train/patchSampler.ts';
import { sphereCase } from '../../src/core/train/sphereCase.ts';
import type { TrainingCase } from '../../src/core/types/case.ts';
import { ParticipationCases } from '../../src/worker/participationCases.ts';
import { caseStorage, siteStore } from '../../src/worker/siteStore.ts';
import { CASE_STORAGE_HARNESS_GLOBAL, type CaseStorageHarness, type CaseStorageReport } from './caseStorageHarnessApi.ts';

const equal = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);

async function run(): Promise<CaseStorageReport> {
  const baseUrl = 'http://127.0.0.1:1';
  // another federation whose origin the first one's is a prefix of, as text
  const other = 'http://127.0.0.1:18';
  await Promise.all([siteStore.deleteCases(baseUrl), siteStore.deleteCases(other)]);
  const cases: TrainingCase[] = [1, 2, 3].map((seed) => ({
    ...sphereCase({ seed, dims: [20, 18, 16], radius: 4 }), id: `site/case-${seed}`,
    ...(seed === 2 ? { imageBox: { start: [0, 0, 0] as const, dims: [20, 18, 16] as const } } : {}),
  }));
  await siteStore.putCase(other, cases[0]!);
  const storage = caseStorage(baseUrl);
  let reads = 0;
  const cache = new CaseCache(caseBytes(cases[0]!));
  const kept = new ParticipationCases({ put: storage.put, get: (id) => (reads++, storage.get(id)) }, cache);
  for (const c of cases) await kept.keep(c);
  const storedIds = (await siteStore.storedCaseIds(baseUrl)).sort();

  const ids = cases.map((c) => c.id);
  const set = kept.caseSet(ids);
  const fromArray = new PatchSampler(cases, { patchSize: 8, seed: 5 });
  const fromSet = new PatchSampler(set, { patchSize: 8, seed: 5 });
  const samePatches: boolean[] = [];
  for (let i = 0; i < 6; i++) {
    const [a, b] = [await fromArray.next(2), await fromSet.next(2)];
    samePatches.push(equal(a.image, b.image) && equal(a.labels, b.labels));
  }
  const readsWhileDrawing = reads;
  const cachedIds = cache.keys();
  const back = (await storage.get('site/case-2'))!;
  await siteStore.putCaseManifest({ baseUrl, format: 2, train: ids.slice(0, 2), validation: ids.slice(2) });
  const { baseUrl: _, ...manifest } = (await siteStore.getCases(baseUrl)) as unknown as Record<string, unknown>;

  await siteStore.deleteCases(baseUrl);
  const afterDelete = {
    ids: await siteStore.storedCaseIds(baseUrl), manifestGone: (await siteStore.getCases(baseUrl)) === undefined, otherIds: await siteStore.storedCaseIds(other),
  };
  cache.clear();
  let missing = { code: 'none', message: 'the case loaded' };
  try {
    await set.load(1);
  } catch (e) {
    missing = { code: String((e as { code?: unknown }).code), message: e instanceof Error ? e.message : String(e) };
  }
  await siteStore.deleteCases(other);
  return {
    storedIds, samePatches, reads: readsWhileDrawing, cachedIds,
    readBack: { imageType: back.image.constructor.name, imageEqual: equal(back.image, cases[1]!.image), labelEqual: equal(back.label!, cases[1]!.label!), imageBox: back.imageBox },
    manifest, afterDelete, missing,
  };
}

const harness: CaseStorageHarness = { run };
(window as unknown as Record<string, CaseStorageHarness>)[CASE_STORAGE_HARNESS_GLOBAL] = harness;
