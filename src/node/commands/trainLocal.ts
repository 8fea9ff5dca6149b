/**
 * `fedseg train-local`: trains a UNet3D preset on synthetic BraTS-like cases (one site's
 * worth), prints progress to stderr and writes the model (manifest + binary).
 */
import { writeFileSync } from 'node:fs';
import { outputPath } from '../outputPath.ts';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { getPreset, MODEL_PRESETS } from '../../core/model/modelPresets.ts';
import { encodeModel } from '../../core/model/modelFile.ts';
import { UNet3D } from '../../core/model/unet3d.ts';
import { trainLocal } from '../../core/train/localTrainer.ts';
import { syntheticCase } from '../../core/synthetic/syntheticCase.ts';
import { SITE_PROFILES } from '../../core/synthetic/siteProfiles.ts';
import type { TrainingCase } from '../../core/types/case.ts';
import { discoverCases } from '../../io/discovery/discoverCases.ts';
import { prepareEach } from '../../io/prepareEach.ts';
import { prepareCase } from '../../io/prepareCase.ts';
import { readFolder } from '../readFolder.ts';
import { FedsegError } from '../../core/util/errors.ts';
import type { Command } from '../command.ts';
import { DEFAULT_TRAINING_BACKEND, initTrainingBackend, NODE_BACKENDS, type NodeBackend } from '../tfNode.ts';

const usage = `fedseg train-local --out model.json [options]

Trains a 3D U-Net on this machine, on synthetic BraTS-like cases or on the labelled
cases of a folder (NIfTI or DICOM, as \`fedseg inspect\` finds them), and writes the model:
model.json (manifest: preset, weight names, shapes and offsets) and, beside it,
model.weights.bin (float32 little-endian values in manifest order).
Progress (step/total, loss, voxels/s, ETA) goes to stderr.

Options:
  --out FILE         the manifest to write (required); the binary goes beside it
  --preset NAME      model preset: ${Object.keys(MODEL_PRESETS).join(', ')} (default tiny)
  --steps N          optimisation steps (default 50)
  --data FOLDER      train on the complete, labelled cases found in FOLDER
  --cases N          synthetic training cases (default 4), or the first N cases of --data
  --size N           synthetic case edge in voxels (default 2 x the preset's patch, at most 96)
  --batch N          patches per step (default 1)
  --optimizer NAME   adam or sgd (default adam)
  --lr X             learning rate (default 0.003 for adam, 0.05 for sgd)
  --backend NAME     ${NODE_BACKENDS.join(', ')} (default ${DEFAULT_TRAINING_BACKEND}: XNNPACK with fedseg's Conv3D
                     kernels; cpu is pure JS; webgpu runs Dawn)
  --stock-kernels    use tfjs's own Conv3D kernels instead of fedseg's fast ones
                     (refused on wasm, whose own Conv3D gradients are wrong)
  --seed N           seed of the cases, the initial weights and the sampler (default 1)`;

function positiveInt(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new FedsegError('BAD_OPTION', `--${name}: expected a positive integer; found "${v}"`);
  return n;
}

function formatMs(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export const trainLocalCommand: Command = {
  summary: 'train a 3D U-Net on synthetic cases here and write the model',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        'stock-kernels': { type: 'boolean', default: false },
        out: { type: 'string' }, preset: { type: 'string' }, steps: { type: 'string' }, cases: { type: 'string' },
        size: { type: 'string' }, batch: { type: 'string' }, optimizer: { type: 'string' }, lr: { type: 'string' },
        backend: { type: 'string' }, seed: { type: 'string' }, data: { type: 'string' },
      },
    });
    if (!values.out) throw new FedsegError('BAD_OPTION', '--out: expected the file to write the model to; found none');
    outputPath(values.out, '--out'); // before the training, which it would otherwise lose
    const preset = getPreset(values.preset ?? 'tiny');
    const steps = positiveInt(values.steps, 'steps', 50);
    const caseCount = positiveInt(values.cases, 'cases', 4);
    const batchSize = positiveInt(values.batch, 'batch', 1);
    const seed = positiveInt(values.seed, 'seed', 1);
    const size = positiveInt(values.size, 'size', Math.min(96, 2 * preset.patchSize));
    const optimizer = values.optimizer ?? 'adam';
    if (optimizer !== 'adam' && optimizer !== 'sgd') throw new FedsegError('BAD_OPTION', `--optimizer: expected adam or sgd; found "${optimizer}"`);
    const learningRate = values.lr !== undefined ? Number(values.lr) : optimizer === 'adam' ? 0.003 : 0.05;
    if (!(learningRate > 0)) throw new FedsegError('BAD_OPTION', `--lr: expected a positive number; found "${values.lr}"`);
    const tfn = await initTrainingBackend((values.backend ?? DEFAULT_TRAINING_BACKEND) as NodeBackend, { stockKernels: values['stock-kernels'] });
    let cases: TrainingCase[];
    let what: string;
    if (values.data) {
      const { files, problems } = readFolder([values.data]);
      const report = await discoverCases(files);
      const usable = report.cases.filter((c) => c.loadImaging && c.hasLabel);
      if (usable.length === 0) {
        const found = report.cases.map((c) => `${c.id} (missing: ${[...c.missing, ...(c.hasLabel ? [] : ['label'])].join(', ') || 'none'})`);
        throw new FedsegError(
          'NO_TRAINING_CASES',
          `${values.data}: expected at least one case with all four sequences and a label; found ${found.length ? found.join('; ') : 'no cases'}` +
            (problems.length + report.problems.length ? ` (${problems.length + report.problems.length} unreadable files: run fedseg inspect)` : ''),
        );
      }
      const take = new Map((values.cases !== undefined ? usable.slice(0, caseCount) : usable).map((c) => [c.id, c.loadImaging!]));
      const { prepared, failed } = await prepareEach([...take.keys()], async (id) => prepareCase(await take.get(id)!(), { patchSize: preset.patchSize }));
      for (const f of failed) console.error(`train-local: left out ${f.message}`);
      if (prepared.size === 0) throw new FedsegError('NO_TRAINING_CASES', `${values.data}: none of the ${take.size} usable cases could be prepared (${failed.map((f) => f.message).join('; ')})`);
      cases = [...prepared.values()];
      what = `${cases.length} cases from ${values.data}`;
    } else {
      const profile = SITE_PROFILES[0];
      cases = Array.from({ length: caseCount }, (_, i) =>
        prepareCase(syntheticCase({ seed: seed * 1000 + i, size, id: `synthetic-${i}`, ...(profile ? { profile } : {}) }), { patchSize: preset.patchSize }),
      );
      what = `${cases.length} synthetic cases of ${size}^3`;
    }
    console.error(`train-local: preset ${preset.name}, ${what} (prepared: ${cases.map((c) => c.dims.join('x')).join(', ')}), backend ${tfn.backend}${tfn.adapter ? ` (${tfn.adapter})` : ''}, ${steps} steps`);
    const model = UNet3D.create(preset, seed);
    const it = trainLocal(model, cases, { steps, batchSize, optimizer, learningRate, seed });
    const tty = process.stderr.isTTY;
    let r = await it.next();
    while (!r.done) {
      const p = r.value;
      const line = `step ${p.step}/${p.steps}  loss ${p.loss.toFixed(4)}  ${Math.round(p.voxelsPerSecond).toLocaleString('en')} voxels/s  ETA ${formatMs(p.etaMs)}`;
      process.stderr.write(tty ? `\r${line}   ` : `${line}\n`);
      r = await it.next();
    }
    if (tty) process.stderr.write('\n');
    const summary = r.value;
    const weightsFile = `${basename(values.out).replace(/\.json$/i, '')}.weights.bin`;
    const { manifest, bin } = encodeModel(preset, await model.getWeights(), weightsFile, {
      trainedWith: 'fedseg train-local', steps, batchSize, optimizer, learningRate, seed, backend: tfn.backend,
      cases: cases.length, data: values.data ? 'folder' : 'synthetic', meanLoss: summary.meanLoss, lastLoss: summary.lastLoss,
    });
    model.dispose();
    writeFileSync(values.out, JSON.stringify(manifest, null, 1));
    writeFileSync(join(dirname(values.out), weightsFile), bin);
    console.error(`train-local: mean loss ${summary.meanLoss.toFixed(4)}, last ${summary.lastLoss.toFixed(4)}; wrote ${values.out} and ${weightsFile}`);
    return 0;
  },
};
