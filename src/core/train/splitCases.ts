/**
 * The one rule that splits a site's labelled cases into training and validation
 * (federated evaluation) cases, shared by the page's Worker and the headless
 * collaborator: sorted by id, the last ceil(fraction * n) for validation, at least one
 * when there are two or more cases and the fraction is > 0, never all of them.
 */
import type { TrainingCase } from '../types/case.ts';

export function splitIds(ids: readonly string[], fraction: number): { train: string[]; validation: string[] } {
  const sorted = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = sorted.length;
  let v = fraction > 0 && n >= 2 ? Math.max(1, Math.ceil(fraction * n)) : 0;
  if (v >= n) v = n - 1;
  return { train: sorted.slice(0, n - v), validation: sorted.slice(n - v) };
}

export function splitCases(
  cases: readonly TrainingCase[],
  fraction: number,
): { train: TrainingCase[]; validation: TrainingCase[] } {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const ids = splitIds([...byId.keys()], fraction);
  return { train: ids.train.map((id) => byId.get(id)!), validation: ids.validation.map((id) => byId.get(id)!) };
}
