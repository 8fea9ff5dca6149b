/**
 * The site's review: predicts one case with the current global model, for the page to
 * show over its scans, and exports the prediction shown (NIfTI, or DICOM SEG for a DICOM
 * case). Only what an export needs is kept here; the images go to the page.
 */
import { getPreset } from '../core/model/modelPresets.ts';
import { UNet3D } from '../core/model/unet3d.ts';
import { predictLabels } from '../core/inference/predictLabels.ts';
import { regionMetrics } from '../core/metrics/regionMetrics.ts';
import type { ProtocolClient } from '../core/protocol/client/protocolClient.ts';
import type { Plan } from '../core/protocol/plan.ts';
import { decodeWeightsBlob } from '../core/protocol/weightsBlob.ts';
import { SEQUENCES } from '../core/types/sequences.ts';
import { FedsegError } from '../core/util/errors.ts';
import { writeDicomSeg } from '../io/dicom/writeDicomSeg.ts';
import type { NiftiVolume } from '../io/nifti/readNifti.ts';
import { writeNiftiLabels, type LabelGrid } from '../io/nifti/writeNifti.ts';
import { onReviewGrid } from './onReviewGrid.ts';
import type { SiteCases } from './siteCases.ts';
import type { ProgressCallback, ReviewVolume } from './workerApi.ts';

export class SiteReview {
  /** `grid`: the T1's placement and NIfTI header, without its voxels (what a NIfTI export copies) */
  private last: { caseId: string; modelHash: string; prediction: Uint8Array; grid: LabelGrid } | undefined;

  /**
   * `gpu.require` throws after a GPU fault: nothing computed on that GPU is shown or exported;
   * `gpu.check` waits until the GPU's work so far was checked, then does the same.
   */
  constructor(private readonly cases: SiteCases, private readonly gpu: { require(): void; check(): Promise<void> }) {}

  /** the scans changed: no prediction shown is exported any more */
  forget(): void {
    this.last = undefined;
  }

  /** a case is being predicted: one at a time (the view, left and opened again, could ask for a second) */
  private predictingNow = false;

  /** a case is being predicted (its model download is not a round's) */
  get predicting(): boolean {
    return this.predictingNow;
  }

  async review(client: ProtocolClient, plan: Plan, caseId: string, onProgress: ProgressCallback<{ done: number; total: number }>): Promise<ReviewVolume> {
    this.gpu.require();
    if (this.predictingNow) throw new FedsegError('REVIEW_BUSY', `case ${caseId}: another case is being predicted; wait until it is shown, then open this one`);
    this.predictingNow = true;
    const abort = new AbortController();
    this.abort = abort;
    try {
      return await this.predict(client, plan, caseId, onProgress, abort.signal);
    } finally {
      this.predictingNow = false;
      this.abort = undefined;
    }
  }

  /** the prediction under way, for cancel() */
  private abort: AbortController | undefined;

  /** Ends the prediction under way at its next window (it then fails with PREDICTION_ABORTED); nothing when none runs. */
  cancel(): void {
    this.abort?.abort();
  }

  private async predict(client: ProtocolClient, plan: Plan, caseId: string, onProgress: ProgressCallback<{ done: number; total: number }>, signal: AbortSignal): Promise<ReviewVolume> {
    const found = this.cases.find(caseId);
    const preset = getPreset(plan.model.preset);
    // read once for both the model's input and the grid the review is shown on
    const imaging = await this.cases.imaging(caseId);
    const prepared = await this.cases.prepare(caseId, preset.patchSize, imaging);
    const status = await client.round();
    const model = UNet3D.create(preset, plan.model.seed);
    try {
      model.setWeights(decodeWeightsBlob(await client.model(status.globalModelHash), { expected: model.weightSpec(), kind: 'MODEL', source: `global model ${status.globalModelHash}` }));
      const onCase = await predictLabels(model, prepared.case, { overlap: 0.25, signal, onProgress: (done, total) => void onProgress({ done, total }) });
      // a fault during the prediction leaves it undefined (often empty): not shown as a result
      await this.gpu.check();
      const prediction = prepared.toSource(onCase);
      const { ref, images: shown, truth } = onReviewGrid(imaging);
      const metrics = truth ? regionMetrics(truth, prediction, ref.dims, ref.spacing) : undefined;
      const review: ReviewVolume = {
        caseId, source: found.source, modelHash: status.globalModelHash,
        // a round's global model holds the rounds before it; a finished federation's, all of them
        modelRound: { after: status.finished ? plan.rounds : status.round - 1, of: plan.rounds },
        dims: [...ref.dims] as [number, number, number], spacing: [...ref.spacing] as [number, number, number], affine: [...ref.affine],
        images: shown, prediction, ...(truth ? { truth } : {}), ...(metrics ? { dice: metrics.dice, hd95: metrics.hd95 } : {}),
      };
      const t1 = imaging.images[SEQUENCES[0]];
      const grid: LabelGrid = { dims: t1.dims, spacing: t1.spacing, affine: t1.affine, ...('header' in t1 ? { header: (t1 as NiftiVolume).header } : {}) };
      this.last = { caseId, modelHash: status.globalModelHash, prediction, grid };
      return review;
    } finally {
      model.dispose();
    }
  }

  exportNifti(caseId: string, modelHash: string): Uint8Array {
    const prediction = this.reviewed(caseId, modelHash);
    // the grid kept from the review: the case is not read again for its header
    return writeNiftiLabels(prediction, this.last!.grid, { gzip: true, modelHash });
  }

  exportDicomSeg(caseId: string, modelHash: string): Uint8Array {
    const prediction = this.reviewed(caseId, modelHash);
    const c = this.cases.find(caseId);
    // the series of each sequence, T1 (the prediction's grid, which the SEG refers to) first
    const series = [...new Set(SEQUENCES.map((s) => c.seriesUids?.[s]))]
      .map((uid) => (uid ? this.cases.dicomReport?.dicomSeries.get(uid) : undefined));
    const [t1, ...others] = series;
    if (c.source !== 'dicom' || !t1) {
      throw new FedsegError('NOT_DICOM', `case ${caseId} was read from NIfTI files: export it as NIfTI (DICOM SEG needs the DICOM series it refers to)`);
    }
    // the mask was predicted from every sequence: a lossy FLAIR makes it lossy too
    const alsoDerivedFrom = others.filter((s): s is NonNullable<typeof s> => !!s);
    return new Uint8Array(writeDicomSeg(prediction, t1, { seriesDescription: 'fedseg predicted tumour mask', modelHash, alsoDerivedFrom }));
  }

  /** The prediction shown for this case with this model (the page names both: a later prediction must not be exported under an earlier one). */
  private reviewed(caseId: string, modelHash: string): Uint8Array {
    // a fault reported after the prediction may still have hit it: predict again after the reload
    this.gpu.require();
    const last = this.last;
    if (!last || last.caseId !== caseId) {
      throw new FedsegError('NOT_REVIEWED', `case ${caseId} has no prediction yet: open it in the review first`);
    }
    if (last.modelHash !== modelHash) {
      throw new FedsegError('REVIEW_CHANGED', `case ${caseId} was predicted again since it was shown (global model ${last.modelHash.slice(0, 12)}…, not ${modelHash.slice(0, 12)}…): press Predict and show again before exporting`);
    }
    return last.prediction;
  }
}
