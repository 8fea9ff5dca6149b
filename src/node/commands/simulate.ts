/**
 * `fedseg simulate`: a whole federation of synthetic sites in one process (see
 * src/node/simulate/simulate.ts), compared with a centralized and local-only models.
 * Progress on stderr; the result as a table, or as JSON on stdout with --json.
 */
import { writeFileSync } from 'node:fs';
import { outputPath } from '../outputPath.ts';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { FedsegError } from '../../core/util/errors.ts';
import type { Command } from '../command.ts';
import type { NodeBackend } from '../tfNode.ts';
import { simulationTitle } from '../simulate/simulationTitle.ts';
import { DEFAULT_SIMULATE_OPTIONS as D, planFromOptions, resolveOptions, type Arm, type AttackName, type SimulateOptions } from '../simulate/simulateOptions.ts';

const usage = `fedseg simulate [options]

Runs a whole federation in one process on synthetic non-IID sites (site i is scanner
profile i mod 4: academic-3t, community-1.5t, regional-thick-slice, small-clinic) with the
same plan, strategy, codec, secure aggregation and DP code as the coordinator, and trains
for comparison a centralized model on the pooled data (same total steps) and each site's
model on its own data (same steps as in the federation). All are scored on one held-out
test set from every profile: Dice and HD95 per region (ET, TC, WT).

Federation:
  --sites N            simulated sites (default ${D.sites})
  --rounds R           rounds (default ${D.rounds})
  --local-steps K      local steps per site and round (default ${D.localSteps})
  --preset P           model preset: tiny, standard, fets (default ${D.preset})
  --seed S             seed of everything (default ${D.seed})
  --strategy NAME      fedavg, fedprox, fedadam, fedyogi, fedadagrad (default ${D.strategy})
  --server-lr X        server step size (fedavg: serverLearningRate; fedadam/yogi/adagrad: eta)
  --mu X               FedProx proximal term of the local loss (default 0)
  --weighting W        samples (an update weighs its site's case count) or equal (1 per site)
                       (default ${D.weighting})
  --robust RULE        none, median, trimmedmean, normbound (default ${D.robust})
  --max-norm X         normbound's bound on an update's L2 norm (default ${D.robustMaxNorm})
  --trim-fraction X    trimmedmean's share cut at each end (default ${D.trimFraction})
  --codec NAME         float32, float16, int8, int4, topk (default ${D.codec})
  --topk-fraction X    share of coordinates top-k sends (topk's default when absent)
  --quant-scale RULE   int8/int4 per-tensor scale: maxabs (covers the largest value) or
                       mse (clips the largest values when that lowers the squared error)
                       (default maxabs)
  --secagg             secure aggregation (masked field sums; the codec is not used)
  --dp-epsilon E       site-level DP (DP-FedAvg) with this epsilon over all rounds
  --dp-delta D         (default ${D.dpDelta})   --dp-clip C   update L2 clip (default ${D.dpClipNorm})
  --malicious K        the last K sites attack (default 0)
  --attack NAME        scale (x factor) or signflip (x -factor) (default ${D.attack})
  --attack-factor X    (default ${D.attackFactor})
  --lr X               local learning rate (default ${D.learningRate})
  --batch-size B       (default ${D.batchSize})
Simulation:
  --size V             voxels per side of the synthetic cases (default ${D.size})
  --protocol-heterogeneity H
                       how far the sites' tissue contrast (sequence weighting, field,
                       contrast dose) moves from the reference: 0 none, 1 the profiles'
                       protocols (default ${D.protocolHeterogeneity})
  --max-cases M        at most M training cases per site (default: the profile's count)
  --test-cases T       held-out test cases per profile (default ${D.testCasesPerProfile})
  --eval-overlap X     sliding-window overlap at evaluation (default ${D.evalOverlap})
  --eval-every N       also score every arm every N rounds: learning curves in the JSON (default off)
  --plot FILE          write the learning curves (Dice per round, each arm) as an SVG chart
  --arms LIST          comma list of federated, centralized, local (default all)
  --backend NAME       wasm (default: XNNPACK with fedseg's Conv3D kernels), cpu, webgpu
  --stock-kernels      tfjs's own Conv3D kernels (refused on wasm: wrong gradients)
  --json               print the result as JSON on stdout
  --quiet              no progress on stderr`;

function num(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new FedsegError('SIMULATE_OPTIONS', `${flag}: expected a number, found "${v}"`);
  return x;
}

/** Options from the command line (only the flags given; defaults come from resolveOptions). */
export function optionsFromArgs(argv: string[]): {
  options: Partial<SimulateOptions>; json: boolean; quiet: boolean; backend: string | undefined; stockKernels: boolean; plot: string | null;
} {
  const s = { type: 'string' } as const;
  const b = { type: 'boolean', default: false } as const;
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      sites: s, rounds: s, 'local-steps': s, preset: s, seed: s, strategy: s, 'server-lr': s, mu: s, weighting: s, robust: s, 'max-norm': s,
      'trim-fraction': s, codec: s, 'topk-fraction': s, 'quant-scale': s, secagg: b, 'dp-epsilon': s, 'dp-delta': s, 'dp-clip': s,
      malicious: s, attack: s, 'attack-factor': s, lr: s, 'batch-size': s, size: s, 'protocol-heterogeneity': s, 'max-cases': s, 'test-cases': s,
      'eval-overlap': s, 'eval-every': s, plot: s, arms: s, backend: s, 'stock-kernels': b, json: b, quiet: b,
    },
  });
  const o: Partial<SimulateOptions> = {};
  const set = <K extends keyof SimulateOptions>(k: K, x: SimulateOptions[K] | undefined) => {
    if (x !== undefined) o[k] = x;
  };
  set('sites', num(v.sites, '--sites'));
  set('rounds', num(v.rounds, '--rounds'));
  set('localSteps', num(v['local-steps'], '--local-steps'));
  set('preset', v.preset);
  set('seed', num(v.seed, '--seed'));
  set('strategy', v.strategy);
  const serverLr = num(v['server-lr'], '--server-lr');
  if (serverLr !== undefined) {
    // the server optimisers (fedopt.ts) call their step size eta; fedavg and its kin serverLearningRate
    const fedOpt = ['fedadam', 'fedyogi', 'fedadagrad'].includes(v.strategy ?? '');
    o.strategyOptions = fedOpt ? { eta: serverLr } : { serverLearningRate: serverLr };
  }
  set('proximalMu', num(v.mu, '--mu'));
  set('weighting', v.weighting as SimulateOptions['weighting'] | undefined);
  set('robust', v.robust as SimulateOptions['robust'] | undefined);
  set('robustMaxNorm', num(v['max-norm'], '--max-norm'));
  set('trimFraction', num(v['trim-fraction'], '--trim-fraction'));
  set('codec', v.codec);
  const topk = num(v['topk-fraction'], '--topk-fraction');
  if (topk !== undefined) o.codecOptions = { fraction: topk };
  if (v['quant-scale'] !== undefined) o.codecOptions = { ...o.codecOptions, scale: v['quant-scale'] };
  if (v.secagg) o.secureAggregation = true;
  set('dpEpsilon', num(v['dp-epsilon'], '--dp-epsilon'));
  set('dpDelta', num(v['dp-delta'], '--dp-delta'));
  set('dpClipNorm', num(v['dp-clip'], '--dp-clip'));
  set('malicious', num(v.malicious, '--malicious'));
  set('attack', v.attack as AttackName | undefined);
  set('attackFactor', num(v['attack-factor'], '--attack-factor'));
  set('learningRate', num(v.lr, '--lr'));
  set('batchSize', num(v['batch-size'], '--batch-size'));
  set('size', num(v.size, '--size'));
  set('protocolHeterogeneity', num(v['protocol-heterogeneity'], '--protocol-heterogeneity'));
  set('maxCasesPerSite', num(v['max-cases'], '--max-cases'));
  set('testCasesPerProfile', num(v['test-cases'], '--test-cases'));
  set('evalOverlap', num(v['eval-overlap'], '--eval-overlap'));
  set('evalEvery', num(v['eval-every'], '--eval-every'));
  if (v.arms !== undefined) o.arms = v.arms.split(',').map((a) => a.trim()).filter((a) => a !== '') as Arm[];
  return { options: o, json: v.json, quiet: v.quiet, backend: v.backend, stockKernels: v['stock-kernels'], plot: v.plot ?? null };
}

export const simulateCommand: Command = {
  summary: 'simulate a federation of synthetic sites; compare with centralized and local-only training',
  usage,
  async run(argv) {
    const args = optionsFromArgs(argv);
    planFromOptions(resolveOptions(args.options)); // refuse bad flags before loading tfjs and making data
    if (args.plot) outputPath(args.plot, '--plot');
    const { DEFAULT_TRAINING_BACKEND, initTrainingBackend } = await import('../tfNode.ts');
    const { simulate } = await import('../simulate/simulate.ts');
    const { ProgressDisplay, SILENT_PROGRESS } = await import('../simulate/progressDisplay.ts');
    const { formatResultTable } = await import('../simulate/formatResultTable.ts');
    const tfn = await initTrainingBackend((args.backend ?? DEFAULT_TRAINING_BACKEND) as NodeBackend, { stockKernels: args.stockKernels });
    const fastKernels = tfn.fastKernels;
    const progress = args.quiet ? SILENT_PROGRESS : new ProgressDisplay((t) => process.stderr.write(t), process.stderr.isTTY === true);
    const environment = { backend: tfn.backend, fastKernels, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version };
    if (!args.quiet) progress.note(`backend ${tfn.backend}${fastKernels.length ? ` with fast kernels (${fastKernels.join(', ')})` : ''}; ${environment.cpus} CPUs`);
    const { result } = await simulate(args.options, { progress, environment });
    process.stdout.write(args.json ? JSON.stringify(result, null, 2) + '\n' : formatResultTable(result) + '\n');
    if (args.plot) {
      const { armSeries, curvesSvg } = await import('../simulate/curvesSvg.ts');
      writeFileSync(args.plot, curvesSvg(armSeries([result]), simulationTitle(result)));
      if (!args.quiet) progress.note(`learning curves written to ${args.plot}`);
    }
    return 0;
  },
};
