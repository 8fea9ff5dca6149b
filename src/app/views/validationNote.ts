/**
 * What the Scans view says when the site's validation cases are too few for the plan:
 * the global model's scores on them are then kept at the site, not sent (small-cell
 * suppression, validation.minReportCases), and with none the site's own Dice chart
 * stays empty.
 */
export function validationNote(train: number, validation: number, minReportCases: number): string | null {
  if (train === 0) return null;
  if (validation === 0) {
    return 'No case is held out for validation: the site measures the global model on none of its cases, so its Dice chart (Train tab) stays empty and it reports no scores. Load more labelled cases to have some held out.';
  }
  if (validation < minReportCases) {
    return `${validation} validation case${validation === 1 ? ' is' : 's are'} fewer than the ${minReportCases} the plan reports scores over: the global model's scores on ${validation === 1 ? 'it' : 'them'} are shown on the Train tab and not sent (a mean over so few would be a patient's own scores).`;
  }
  return null;
}
