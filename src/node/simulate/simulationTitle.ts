/** A one-line description of a simulation run, for charts and tables. */
import type { SimulationResult } from './simulationResult.ts';

export function simulationTitle(r: SimulationResult, seeds?: readonly number[], withStrategy = true): string {
  const o = r.options;
  const seedText = seeds && seeds.length > 1 ? `seeds ${seeds.join(', ')}` : `seed ${o.seed}`;
  return `${o.sites} sites x ${o.rounds} rounds x ${o.localSteps} local steps, preset ${o.preset}, ${withStrategy ? `${r.federated?.strategy ?? o.strategy}, ` : ''}${seedText}`;
}
