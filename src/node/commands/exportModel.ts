/**
 * `fedseg export-model --data DIR --out model.json [--round N]`: writes a federation's
 * model, as its coordinator stored it, in the model file format of `fedseg train-local`
 * (src/core/model/modelFile.ts), with where it came from. Reads the data folder beside
 * a running coordinator (a database made by an older fedseg is given its new columns, as
 * any opening does; nothing else is changed).
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dataPaths } from '../../coordinator/startCoordinator.ts';
import { BlobStore } from '../../coordinator/storage/blobStore.ts';
import type { RoundRecord } from '../../coordinator/storage/federationStore.ts';
import { encodeModel } from '../../core/model/modelFile.ts';
import { getPreset } from '../../core/model/modelPresets.ts';
import { weightSpecOf } from '../../core/model/unetSpec.ts';
import { parsePlan } from '../../core/protocol/plan.ts';
import { decodeWeightsBlob } from '../../core/protocol/weightsBlob.ts';
import { FedsegError } from '../../core/util/errors.ts';
import type { Command } from '../command.ts';
import { openFederationStore } from '../openFederationStore.ts';
import { outputPath } from '../outputPath.ts';

const usage = `fedseg export-model --out model.json [--data DIR] [--round N]

Writes the federation's model: model.json (manifest: preset, weights, and where the
model came from: federation, plan hash, round, model hash) and, beside it,
model.weights.bin, as fedseg train-local writes them. The model is the final one once
the federation finished; before that, the one its last closed round made.

Options:
  --out FILE   the manifest to write (required); the binary goes beside it
  --data DIR   the coordinator's data folder (default ./fedseg-data)
  --round N    the model round N made instead (1 to the last closed round)`;

/** The round whose result is exported: N, or the last closed one. */
function pickRound(rounds: readonly RoundRecord[], wanted: number | undefined, planned: number): RoundRecord {
  const closed = rounds.filter((r) => r.status === 'closed' && r.resultModel !== null);
  if (wanted === undefined) {
    const last = closed.at(-1);
    if (!last) throw new FedsegError('NO_MODEL_YET', `expected a closed round, found none: round 1 of ${planned} has not closed yet, so no model was trained`);
    return last;
  }
  const r = closed.find((x) => x.round === wanted);
  if (!r) {
    const range = closed.length ? `1 to ${closed.at(-1)!.round}` : 'none yet';
    throw new FedsegError('BAD_OPTION', `--round: expected a closed round (${range}), found ${wanted}`);
  }
  return r;
}

export const exportModelCommand: Command = {
  summary: "write the federation's model (final, or of a round) as a model file",
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, data: { type: 'string', default: 'fedseg-data' }, round: { type: 'string' } },
      strict: true,
    });
    if (!values.out) throw new FedsegError('BAD_OPTION', '--out: expected the manifest file to write (e.g. --out model.json)');
    if (values.round !== undefined && !/^[1-9]\d*$/.test(values.round)) {
      throw new FedsegError('BAD_OPTION', `--round: expected a round number (1, 2, ...), found "${values.round}"`);
    }
    const out = outputPath(values.out, '--out');
    const dir = resolve(values.data);
    const store = await openFederationStore(dir);
    try {
      const stored = (await store.federation())!;
      const plan = parsePlan(JSON.parse(stored.planJson), `${dataPaths(dir).db} (stored plan)`);
      const round = pickRound(await store.rounds(), values.round === undefined ? undefined : Number(values.round), plan.rounds);
      const hash = round.resultModel!;
      const preset = getPreset(plan.model.preset);
      // checked against its hash and the preset's weights: a damaged blob is named, not exported
      const weights = decodeWeightsBlob(await new BlobStore(dataPaths(dir).blobs).getVerified(hash), { expected: weightSpecOf(preset), kind: 'MODEL', source: `the model of round ${round.round} (${hash})` });
      const final = round.round === plan.rounds;
      const weightsFile = `${basename(out).replace(/\.json$/i, '')}.weights.bin`;
      const { manifest, bin } = encodeModel(preset, weights, weightsFile, {
        trainedWith: 'fedseg federation', federation: plan.federation, planHash: stored.planHash, round: round.round, rounds: plan.rounds,
        final, modelHash: hash, strategy: plan.aggregation.strategy, closedAt: round.closedAt, exportedAt: Date.now(),
      });
      writeFileSync(out, JSON.stringify(manifest, null, 1));
      writeFileSync(join(dirname(out), weightsFile), bin);
      console.log(`${final ? 'final model' : `model of round ${round.round} of ${plan.rounds} (the federation has not finished)`} ${hash}: wrote ${out} and ${weightsFile}`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
