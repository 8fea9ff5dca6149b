/**
 * The parameter list and layer plan of a UNet3D preset, as data: the names, shapes and
 * initialisation of every weight in their stable order, and each convolution's size and
 * resolution level (for FLOP counts). `unet3d.ts` runs the same plan with tf ops.
 */
import { INPUT_CHANNELS, OUTPUT_CHANNELS, type ModelPreset } from './modelPresets.ts';

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** 'he': normal(0, sqrt(2 / fanIn)); 'ones' / 'zeros': constant */
  readonly init: 'he' | 'ones' | 'zeros';
  readonly fanIn: number;
}

export interface ConvSpec {
  /** the kernel's parameter name */
  readonly name: string;
  readonly kernel: number;
  readonly inChannels: number;
  readonly outChannels: number;
  /** resolution level of the output (0 = full resolution, each level halves every axis) */
  readonly level: number;
}

export interface UNetPlan {
  readonly params: readonly ParamSpec[];
  readonly convs: readonly ConvSpec[];
}

/** Filters at resolution level `l` of a preset. */
export function levelFilters(preset: ModelPreset, l: number): number {
  return preset.baseFilters * 2 ** l;
}

/** The weights and convolutions of a preset, in the order the forward pass uses them. */
export function unetPlan(preset: ModelPreset): UNetPlan {
  const params: ParamSpec[] = [];
  const convs: ConvSpec[] = [];
  const conv = (name: string, k: number, cin: number, cout: number, level: number): void => {
    params.push({ name: `${name}.kernel`, shape: [k, k, k, cin, cout], init: 'he', fanIn: k * k * k * cin });
    convs.push({ name: `${name}.kernel`, kernel: k, inChannels: cin, outChannels: cout, level });
  };
  const norm = (name: string, c: number): void => {
    params.push({ name: `${name}.gamma`, shape: [c], init: 'ones', fanIn: 0 });
    params.push({ name: `${name}.beta`, shape: [c], init: 'zeros', fanIn: 0 });
  };
  const block = (name: string, cin: number, cout: number, level: number): void => {
    conv(`${name}.conv1`, 3, cin, cout, level);
    norm(`${name}.norm1`, cout);
    conv(`${name}.conv2`, 3, cout, cout, level);
    norm(`${name}.norm2`, cout);
    if (preset.residual && cin !== cout) conv(`${name}.skip`, 1, cin, cout, level);
  };

  for (let l = 0; l < preset.levels; l++) {
    const f = levelFilters(preset, l);
    if (l === 0) {
      block('enc0', INPUT_CHANNELS, f, 0);
    } else {
      conv(`enc${l}.down`, 3, levelFilters(preset, l - 1), f, l);
      norm(`enc${l}.downnorm`, f);
      block(`enc${l}`, f, f, l);
    }
  }
  for (let l = preset.levels - 2; l >= 0; l--) {
    const f = levelFilters(preset, l);
    // 1x1x1 projection at the coarse level, then nearest up-sampling: the same as
    // up-sampling first (both are point-wise), at an eighth of the cost
    conv(`dec${l}.up`, 1, levelFilters(preset, l + 1), f, l + 1);
    norm(`dec${l}.upnorm`, f);
    block(`dec${l}`, 2 * f, f, l);
  }
  conv('head', 1, levelFilters(preset, 0), OUTPUT_CHANNELS, 0);
  params.push({ name: 'head.bias', shape: [OUTPUT_CHANNELS], init: 'zeros', fanIn: 0 });
  return { params, convs };
}

/**
 * Floating-point operations of one training step (forward + backward) on `batch` cubic
 * patches of edge `patch`: convolutions only (2 FLOPs per multiply-add), backward counted
 * as twice the forward (input and filter gradients). Norms and activations are ignored
 * (a few percent).
 */
export function unetTrainingFlops(plan: UNetPlan, patch: number, batch: number): number {
  let forward = 0;
  for (const c of plan.convs) {
    const edge = patch / 2 ** c.level;
    forward += 2 * c.kernel ** 3 * c.inChannels * c.outChannels * edge ** 3;
  }
  return 3 * forward * batch;
}

/** The names and shapes of a preset's weights, in order: what every model and update of it is checked against. */
export function weightSpecOf(preset: ModelPreset | UNetPlan): { name: string; shape: number[] }[] {
  const plan = 'params' in preset ? preset : unetPlan(preset);
  return plan.params.map((p) => ({ name: p.name, shape: [...p.shape] }));
}
