/**
 * What the start page says a site is at and should do next, from what the page knows:
 * whether this browser joined the coordinator's federation, the scans loaded, and the
 * participation's progress. Each step names its tab.
 */
import type { FederationState } from '../state/appState.ts';
import type { DataSummary, SiteProgress } from '../../worker/workerApi.ts';
import { isTakingPart } from '../state/takingPart.ts';
import { plural } from '../../core/util/plural.ts';

export interface HomeStep {
  /** the route the step leads to */
  readonly route: string;
  readonly title: string;
  readonly text: string;
  /** the step the site should take next */
  readonly next: boolean;
}

export interface HomeSummary {
  /** who this browser is for the coordinator, or why it is not known */
  readonly lead: string;
  readonly steps: readonly HomeStep[];
}

export function homeSummary(f: FederationState, data: DataSummary | null, p: SiteProgress): HomeSummary {
  if (f.status === 'connecting') return { lead: 'Connecting to the coordinator…', steps: [] };
  if (f.status === 'failed') return { lead: `The coordinator cannot be used now: ${f.error}.`, steps: [] };
  const federation = f.info.plan.federation;
  const id = f.info.identity;
  if (!id) {
    return {
      lead: `This browser has not joined the federation "${federation}". Open the invite link that its operator sent you (it ends in #/join/ and a code): the page shows the plan and what this site would send before you join.`,
      steps: [],
    };
  }
  const cases = data?.cases.length ?? 0;
  const usable = data ? data.train + data.validation : 0;
  const running = isTakingPart(p.phase);
  const scans: HomeStep = {
    route: 'data', title: 'Scans',
    text: !data || cases === 0 ? 'Choose the folder with your cases (DICOM series or BraTS-named NIfTI).' : `${plural(cases, 'case')} loaded, ${data.train} for training and ${data.validation} for validation.`,
    next: usable === 0 && !running,
  };
  const resumable = f.info.resumable;
  const train: HomeStep = {
    route: 'train', title: 'Train',
    text: running ? p.message
      : resumable ? `A participation stopped in round ${resumable.round} when this page was closed: resume it there.`
        : p.phase === 'finished' ? 'The federation finished.'
          : 'Take part in the federation\'s training rounds.',
    next: running || resumable !== null || (usable > 0 && p.phase !== 'finished'),
  };
  const review: HomeStep = { route: 'review', title: 'Review', text: 'See the model\'s predicted tumour masks over your scans, and export them.', next: p.phase === 'finished' };
  return {
    lead: `This browser is the site "${id.siteName}" (${id.siteId}) of the federation "${federation}".`,
    steps: [scans, train, review],
  };
}
