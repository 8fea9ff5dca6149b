import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../core/protocol/plan.ts';
import type { FederationState } from '../state/appState.ts';
import type { DataSummary, FederationInfo, SiteProgress } from '../../worker/workerApi.ts';
import { homeSummary } from './homeSteps.ts';

const plan = parsePlan({ federation: 'Glioma 2026' }, 'plan');
const info = (joined: boolean, resumable: FederationInfo['resumable'] = null): FederationState => ({
  status: 'ready',
  info: { baseUrl: 'http://x', plan, planHash: 'a'.repeat(64), resumable, identity: joined ? { siteId: 'hosp-a-1', siteName: 'Hospital A', federation: plan.federation, planHash: 'a'.repeat(64), joinedAt: 1 } : null },
});
const idle: SiteProgress = { phase: 'idle', round: 0, rounds: 0, message: 'Not taking part yet.' };
const data = (train: number, validation: number): DataSummary => ({ files: 1, bytes: 1, cases: Array.from({ length: train + validation }, () => ({}) as never), problems: [], unassigned: [], assignments: [], train, validation });
const next = (s: ReturnType<typeof homeSummary>) => s.steps.filter((x) => x.next).map((x) => x.route);

describe('homeSummary: where a site is, and what it does next', () => {
  it('sends a browser that has not joined to its invite link, and says when the coordinator cannot be used', () => {
    expect(homeSummary(info(false), null, idle)).toEqual({ lead: expect.stringMatching(/^This browser has not joined the federation "Glioma 2026"\. Open the invite link/), steps: [] });
    expect(homeSummary({ status: 'failed', error: 'the coordinator at http://x could not be reached' }, null, idle).lead).toBe('The coordinator cannot be used now: the coordinator at http://x could not be reached.');
    expect(homeSummary({ status: 'connecting' }, null, idle).steps).toEqual([]);
  });

  it('leads a joined site from scans to training to review', () => {
    const fresh = homeSummary(info(true), null, idle);
    expect(fresh.lead).toBe('This browser is the site "Hospital A" (hosp-a-1) of the federation "Glioma 2026".');
    expect(next(fresh)).toEqual(['data']);
    const loaded = homeSummary(info(true), data(3, 1), idle);
    expect(loaded.steps[0]!.text).toBe('4 cases loaded, 3 for training and 1 for validation.');
    expect(next(loaded)).toEqual(['train']);
    const training: SiteProgress = { phase: 'training', round: 4, rounds: 10, message: 'Round 4: training step 3 of 50' };
    expect(homeSummary(info(true), data(3, 1), training).steps[1]).toMatchObject({ text: 'Round 4: training step 3 of 50', next: true });
    expect(next(homeSummary(info(true), data(3, 1), { ...idle, phase: 'finished' }))).toEqual(['review']);
  });

  it('offers the resume of a participation the closed page left', () => {
    const s = homeSummary(info(true, { round: 7, phase: 'training' }), null, idle);
    expect(s.steps[1]).toMatchObject({ text: 'A participation stopped in round 7 when this page was closed: resume it there.', next: true });
  });
});
