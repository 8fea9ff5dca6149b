/**
 * The user's hand assignment of a DICOM series to a sequence (or to none): returns a new
 * report; any other series of the same study that held that sequence is released.
 */
import { FedsegError } from '../../core/util/errors.ts';
import type { Sequence } from '../../core/types/sequences.ts';
import { SEQUENCE_NAMES } from '../../core/types/sequences.ts';
import { dicomCasesFrom } from './dicomCases.ts';
import type { DiscoveryReport, SeriesAssignment } from './discoveryReport.ts';

export function assignSeries(report: DiscoveryReport, seriesUid: string, sequence: Sequence | null): DiscoveryReport {
  const target = report.assignments.find((a) => a.seriesUid === seriesUid);
  if (!target) {
    throw new FedsegError('UNKNOWN_SERIES', `no DICOM series ${seriesUid} in this report; known: ${report.assignments.map((a) => a.description).join(', ') || 'none'}`);
  }
  const assignments: SeriesAssignment[] = report.assignments.map((a) => {
    if (a.seriesUid === seriesUid) {
      return sequence
        ? { ...a, sequence, how: 'manual', reason: `assigned by hand to ${SEQUENCE_NAMES[sequence]}` }
        : { ...a, sequence: null, how: 'manual', reason: 'left out by hand' };
    }
    if (sequence && a.caseId === target.caseId && a.sequence === sequence) {
      return { ...a, sequence: null, how: 'none', reason: `replaced by ${target.description}, assigned by hand to ${SEQUENCE_NAMES[sequence]}` };
    }
    return a;
  });
  const dc = dicomCasesFrom(assignments, report.dicomSeries);
  return {
    ...report,
    cases: [...report.cases.filter((c) => c.source !== 'dicom'), ...dc.cases].sort((a, b) => a.id.localeCompare(b.id)),
    unassigned: [...report.unassigned.filter((u) => u.kind !== 'dicom-series'), ...dc.unassigned],
    assignments,
  };
}
