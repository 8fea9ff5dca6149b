/**
 * `fedseg collaborate --url URL --invite TOKEN --data FOLDER | --synthetic PROFILE`
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FedsegError } from '../../core/util/errors.ts';
import { refusalText } from '../../core/protocol/client/refusalText.ts';
import { getPreset } from '../../core/model/modelPresets.ts';
import { REGIONS } from '../../core/types/labels.ts';
import type { SiteEvent } from '../../core/protocol/client/runSite.ts';
import type { NodeBackend } from '../tfNode.ts';
import type { Command } from '../command.ts';
import { checkTransport } from '../../core/protocol/client/secureTransport.ts';
import { plural } from '../../core/util/plural.ts';

const usage = `fedseg collaborate --url URL (--invite TOKEN | --key-file FILE) (--data FOLDER | --synthetic PROFILE)
                  [--backend wasm|cpu|webgpu] [--stock-kernels] [--key-file FILE] [--seed N] [--cases N] [--size N] [--insecure]

A site without a browser: joins the federation with an invite, then each round
downloads the global model, evaluates it on the local validation cases and reports the
metrics, trains on the local cases and uploads the update (signed; retried). Only
model updates, sample counts and aggregate metrics leave the machine. Ctrl-C stops the
site and tells the coordinator, whose rounds then no longer wait for it (exit code 130;
143 for SIGTERM); the next run with the same --key-file takes part again.

Options:
  --url URL           the coordinator: https, or http to this machine (127.0.0.1, localhost)
  --insecure          allow plain http to another machine (a network you trust; the
                      invite, updates and scores can be read on the way)
  --invite TOKEN      the one-time invite token (the part after #/join/ in the invite URL)
  --key-file FILE     keep this site's key here (mode 0600) to rejoin after a restart
  --data FOLDER       scans: NIfTI or DICOM, 4 sequences and a label per case
  --synthetic NAME    simulated site instead of scans (academic-3t, community-1.5t,
                      regional-thick-slice, small-clinic)
  --cases N, --size N synthetic cases and their edge in voxels (default: profile, 32)
  --backend NAME      tfjs backend: wasm (default; XNNPACK with fedseg's Conv3D kernels),
                      cpu (pure JS) or webgpu (Dawn)
  --stock-kernels     use tfjs's own Conv3D kernels instead of fedseg's fast ones
                      (refused on wasm, whose own Conv3D gradients are wrong)
  --seed N            seed of local sampling and synthetic cases (default 1)`;

function describe(e: SiteEvent): string | null {
  switch (e.kind) {
    case 'round':
      return e.status.finished ? 'federation finished' : `round ${e.status.round} of ${e.status.rounds}: model ${e.status.globalModelHash.slice(0, 12)}…`;
    case 'evaluated':
      return `  evaluated on ${plural(e.cases, 'validation case')}: Dice ${REGIONS.map((r) => `${r} ${e.dice[r].toFixed(3)}`).join(', ')}${e.reported ? '' : ' (kept here: fewer cases than the plan reports, validation.minReportCases)'}`;
    case 'training':
      return e.step === e.steps || e.step % 10 === 0 ? `  step ${e.step}/${e.steps} loss ${e.loss.toFixed(4)}` : null;
    case 'uploaded':
      return `  update sent (${e.bytes} bytes, ${e.status})`;
    case 'refused':
      return `  ${refusalText(e.round, e.what, e.code, e.message)}`;
    case 'skipped':
      return `  round ${e.round}: no update sent (${e.code}: ${e.message}); this site takes part again in the next round`;
    case 'offline':
      return `  the coordinator is not available (${e.what}: ${e.message}); trying again in ${Math.round(e.retryInMs / 1000)} s`;
    case 'finished':
      return `final model ${e.finalModel}`;
  }
}

/** the errors a step ends with when the site is stopped in the middle of it (a request cut off reads as UNREACHABLE) */
const STOPPED_CODES = new Set(['ABORTED', 'UNREACHABLE', 'TRAINING_ABORTED', 'PREDICTION_ABORTED']);

export const collaborateCommand: Command = {
  summary: 'join a federation as a headless site and train round after round',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        'stock-kernels': { type: 'boolean', default: false },
        url: { type: 'string' },
        invite: { type: 'string' },
        'key-file': { type: 'string' },
        data: { type: 'string' },
        synthetic: { type: 'string' },
        cases: { type: 'string' },
        size: { type: 'string' },
        backend: { type: 'string', default: 'wasm' },
        seed: { type: 'string', default: '1' },
        insecure: { type: 'boolean', default: false },
      },
      strict: true,
    });
    if (!values.url) throw new FedsegError('BAD_OPTION', '--url: expected the coordinator URL');
    checkTransport(values.url, values.insecure, 'fedseg collaborate --url');
    if (!values.data === !values.synthetic) throw new FedsegError('BAD_OPTION', 'expected exactly one of --data FOLDER and --synthetic PROFILE');
    const int = (name: string, v: string | undefined) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new FedsegError('BAD_OPTION', `--${name}: expected a non-negative integer, found "${v}"`);
      return n;
    };
    const seed = int('seed', values.seed) ?? 1;
    // loaded here, not at the top: `fedseg --help` must not load tfjs
    const { initTrainingBackend } = await import('../tfNode.ts');
    const { runCollaborator } = await import('../collaborator/runCollaborator.ts');
    const { folderSite, syntheticSite } = await import('../collaborator/siteCases.ts');
    const tfNode = await initTrainingBackend(values.backend as NodeBackend, { stockKernels: values['stock-kernels'] });
    const backend = tfNode.backend;
    console.log(`tfjs backend: ${backend}${tfNode.adapter ? ` (${tfNode.adapter})` : ''}`);
    // Ctrl-C (or SIGTERM) stops the site at its next step and tells the coordinator; a second one ends it at once
    const stop = new AbortController();
    // the shell's convention: 128 + the signal's number
    let exitCode = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stop.signal.aborted) process.exit(exitCode);
      exitCode = signal === 'SIGTERM' ? 143 : 130;
      console.log('stopping: this site leaves the federation (Ctrl-C again to quit at once)');
      stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const result = await runCollaborator({
        url: values.url,
        ...(values.invite ? { invite: values.invite } : {}),
        ...(values['key-file'] ? { keyFile: resolve(values['key-file']) } : {}),
        backendName: backend,
        seed,
        signal: stop.signal,
        onStopped: (told) => console.log(told
          ? 'told the coordinator that this site stopped taking part: its rounds no longer wait for it'
          : 'the coordinator could not be told that this site stopped: its rounds wait for it until their deadlines'),
        data: async (plan) => {
          const patch = getPreset(plan.model.preset).patchSize;
          const cases = int('cases', values.cases);
          const size = int('size', values.size);
          const site = values.synthetic
            ? syntheticSite({ profile: values.synthetic, seed, ...(cases !== undefined ? { cases } : {}), ...(size !== undefined ? { size } : {}) }, patch, plan.validation.fraction)
            : await folderSite(resolve(values.data!), patch, plan.validation.fraction);
          console.log(`cases: ${site.train.length} for training, ${site.validation.length} for validation`);
          return site;
        },
        onEvent: (e) => {
          const line = describe(e);
          if (line) console.log(line);
        },
      });
      console.log(`site ${result.siteId}: ${result.stoppedEarly ? 'stopped; ' : ''}trained rounds ${result.roundsTrained.join(', ') || 'none'}`);
    } catch (e) {
      // stopped in the middle of a step: that step's error is the stop's; any other is said
      if (!stop.signal.aborted || !STOPPED_CODES.has((e as { code?: unknown }).code as string)) throw e;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    return exitCode;
  },
};
