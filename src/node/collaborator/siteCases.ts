/**
 * The cases a headless collaborator trains and validates on: a folder of scans (NIfTI
 * or DICOM, found by case discovery) or a simulated site (--synthetic profile). Cases
 * are preprocessed to the plan's model and split into training and validation cases.
 */
import type { TrainingCase } from '../../core/types/case.ts';
import { getSiteProfile } from '../../core/synthetic/siteProfiles.ts';
import { syntheticSiteCases } from '../../core/synthetic/syntheticCase.ts';
import { FedsegError } from '../../core/util/errors.ts';
import type { SiteData } from '../../core/protocol/client/runSite.ts';
import { prepareCase } from '../../io/prepareCase.ts';
import { prepareEach } from '../../io/prepareEach.ts';
import { readFolder } from '../readFolder.ts';
import { splitCases } from '../../core/train/splitCases.ts';

export interface SyntheticSiteOptions {
  readonly profile: string;
  readonly seed?: number;
  /** voxels per side (default 32) */
  readonly size?: number;
  /** cases to make (default the profile's caseCount) */
  readonly cases?: number;
}

export function syntheticSite(opts: SyntheticSiteOptions, patchSize: number, validationFraction: number): SiteData<readonly TrainingCase[]> {
  const profile = getSiteProfile(opts.profile);
  const sized = opts.cases === undefined ? profile : { ...profile, caseCount: opts.cases };
  const cases = syntheticSiteCases(sized, opts.seed ?? 1, opts.size ?? 32);
  return splitCases(cases.map((c) => prepareCase(c, { patchSize })), validationFraction);
}

/** Every labelled, complete case discovery finds in a folder (read recursively). */
export async function folderSite(folder: string, patchSize: number, validationFraction: number): Promise<SiteData<readonly TrainingCase[]>> {
  const { discoverCases } = await import('../../io/discovery/discoverCases.ts');
  const { files, problems } = readFolder([folder]);
  for (const p of problems) console.warn(`${p.file}: ${p.message}`);
  const report = await discoverCases(files);
  const complete = new Map(report.cases.flatMap((c) => (c.loadImaging && c.hasLabel ? [[c.id, c.loadImaging] as const] : [])));
  if (complete.size === 0) {
    throw new FedsegError('NO_CASES', `${folder}: found no complete labelled case (4 sequences and a label) among ${files.length} files`);
  }
  const { prepared, failed } = await prepareEach([...complete.keys()], async (id) => prepareCase(await complete.get(id)!(), { patchSize }));
  for (const f of failed) console.warn(`${folder}: left out ${f.message}`);
  if (prepared.size === 0) {
    throw new FedsegError('NO_CASES', `${folder}: none of the ${complete.size} complete labelled cases could be prepared (${failed.map((f) => f.message).join('; ')})`);
  }
  return splitCases([...prepared.values()], validationFraction);
}
