/** Validation of a strategy's options (from the plan): one sentence per problem, with its path. */
import type { z } from 'zod';
import { parseWithSchema } from '../protocol/schemaProblems.ts';

export function parseStrategyOptions<S extends z.ZodType>(schema: S, options: unknown, strategy: string): z.output<S> {
  return parseWithSchema(schema, options ?? {}, `${strategy} options`, 'STRATEGY_OPTIONS_INVALID');
}
