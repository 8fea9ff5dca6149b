/**
 * `fedseg metrics --truth T.nii.gz --pred P.nii.gz [--json]`: Dice and HD95 per BraTS
 * region (ET, TC, WT) of a predicted label volume against a reference.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { maxAbsDiff } from '../../core/geometry/mat4.ts';
import { regionMetrics } from '../../core/metrics/regionMetrics.ts';
import { REGIONS } from '../../core/types/labels.ts';
import type { VoxelArray } from '../../core/types/volume.ts';
import { FedsegError } from '../../core/util/errors.ts';
import { readNiftiAsync, type NiftiVolume } from '../../io/nifti/readNifti.ts';
import type { Command } from '../command.ts';

const usage = `fedseg metrics --truth T.nii.gz --pred P.nii.gz [--json]

Dice and 95% Hausdorff distance (mm) of a predicted BraTS label volume against the
reference, per region: ET = {4}, TC = {1,4}, WT = {1,2,4} (label 3 is read as 4).
Both files must be on the same grid. Empty regions follow BraTS: both empty -> Dice 1,
HD95 0; one empty -> Dice 0, HD95 373.13.

Options:
  --truth FILE   reference labels (.nii or .nii.gz)
  --pred FILE    predicted labels on the same grid
  --json         print JSON instead of a table`;

async function readLabels(path: string): Promise<NiftiVolume> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new FedsegError('FILE_UNREADABLE', `${path}: cannot read the file (${(err as Error).message})`);
  }
  return readNiftiAsync(bytes, path);
}

/** Label values as bytes; anything but 0..255 integers is refused. */
function asLabels(data: VoxelArray, path: string): Uint8Array {
  if (data instanceof Uint8Array) return data;
  const out = new Uint8Array(data.length);
  for (let p = 0; p < data.length; p++) {
    const v = Math.round(data[p]!);
    if (v < 0 || v > 255 || Math.abs(v - data[p]!) > 1e-3) {
      throw new FedsegError('METRICS_NOT_LABELS', `${path}: expected integer label values (0, 1, 2, 4), found ${data[p]} at voxel ${p}`);
    }
    out[p] = v;
  }
  return out;
}

export const metricsCommand: Command = {
  summary: 'Dice and HD95 per tumour region of a prediction against a reference',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { truth: { type: 'string' }, pred: { type: 'string' }, json: { type: 'boolean', default: false } },
      strict: true,
    });
    if (!values.truth || !values.pred) {
      console.error(`fedseg metrics: --truth and --pred are both required\n\n${usage}`);
      return 2;
    }
    const [truth, pred] = await Promise.all([readLabels(values.truth), readLabels(values.pred)]);
    if (truth.dims.join() !== pred.dims.join()) {
      throw new FedsegError('METRICS_GRID_MISMATCH', `expected ${values.pred} on the grid of ${values.truth} (${truth.dims.join('x')}), found ${pred.dims.join('x')}`);
    }
    if (maxAbsDiff(truth.affine, pred.affine) > 1e-3) {
      throw new FedsegError(
        'METRICS_GRID_MISMATCH',
        `expected ${values.pred} to have the affine of ${values.truth} [${truth.affine.slice(0, 12).map((v) => +v.toFixed(3)).join(', ')}], found [${pred.affine.slice(0, 12).map((v) => +v.toFixed(3)).join(', ')}]`,
      );
    }
    const m = regionMetrics(asLabels(truth.data, values.truth), asLabels(pred.data, values.pred), truth.dims, truth.spacing);
    if (values.json) {
      console.log(JSON.stringify({ truth: values.truth, pred: values.pred, dims: truth.dims, spacing: truth.spacing, ...m }, null, 2));
    } else {
      console.log(`region  Dice    HD95 (mm)`);
      for (const r of REGIONS) console.log(`${r.padEnd(6)}  ${m.dice[r].toFixed(4)}  ${m.hd95[r].toFixed(2)}`);
    }
    return 0;
  },
};

export default metricsCommand;
